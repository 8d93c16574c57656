"""Whole-word masking for masked-language-model pretraining of a character BERT.

Words come from jieba (:func:`classify.segment.segment`); every character token of a chosen
word is masked together, until about 15% of the tokens of a text are chosen. Chosen tokens are
replaced by ``[MASK]`` 80% of the time, by a random token 10% and kept 10%.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from classify.segment import segment

IGNORE_INDEX = -100


@dataclass
class MaskedBatch:
    """Model inputs with MLM labels (``IGNORE_INDEX`` where nothing is predicted)."""

    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    labels: torch.Tensor

    @property
    def n_masked(self) -> int:
        """Number of tokens the model must predict."""
        return int((self.labels != IGNORE_INDEX).sum())


def word_spans(text: str, segmenter: Callable[[str], list[str]] = segment) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the words of ``text``, in order."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for word in segmenter(text):
        start = text.find(word, pos)
        if start < 0:  # the segmenter changed the text; fall back to one span per character
            continue
        spans.append((start, start + len(word)))
        pos = start + len(word)
    return spans


def group_tokens_by_word(
    offsets: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]
) -> list[list[int]]:
    """Token positions grouped by the word their first character belongs to.

    Special tokens (offset ``(0, 0)``) belong to no group; a token outside every word span
    forms its own group.
    """
    word_of_char: dict[int, int] = {}
    for index, (start, end) in enumerate(spans):
        for char in range(start, end):
            word_of_char[char] = index
    groups: dict[Any, list[int]] = {}
    for position, (start, end) in enumerate(offsets):
        if start == end:
            continue
        key = word_of_char.get(start, ("token", position))
        groups.setdefault(key, []).append(position)
    return list(groups.values())


class WholeWordMasker:
    """Tokenise texts and mask whole words; randomness comes from a caller's ``random.Random``."""

    def __init__(
        self,
        tokenizer: Any,
        max_length: int = 128,
        mlm_probability: float = 0.15,
        segmenter: Callable[[str], list[str]] = segment,
    ) -> None:
        """Set up masking for ``tokenizer`` (a fast BERT tokenizer with offsets)."""
        if not 0 < mlm_probability < 1:
            raise ValueError("mlm_probability 应在 0 和 1 之间")
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.mlm_probability = mlm_probability
        self.segmenter = segmenter
        self.mask_id = int(tokenizer.mask_token_id)
        self.special_ids = set(tokenizer.all_special_ids)
        self.vocab_size = len(tokenizer)

    def __call__(self, texts: Sequence[str], rng: random.Random) -> MaskedBatch:
        """Tokenise ``texts`` (padded to the longest) and mask whole words."""
        encoded = self.tokenizer(
            list(texts),
            truncation=True,
            max_length=self.max_length,
            padding=True,
            return_offsets_mapping=True,
        )
        input_ids = [list(row) for row in encoded["input_ids"]]
        labels = [[IGNORE_INDEX] * len(row) for row in input_ids]
        for row, text in enumerate(texts):
            offsets = encoded["offset_mapping"][row]
            groups = group_tokens_by_word(offsets, word_spans(text, self.segmenter))
            for position in self._choose(groups, rng):
                labels[row][position] = input_ids[row][position]
                input_ids[row][position] = self._replacement(input_ids[row][position], rng)
        return MaskedBatch(
            input_ids=torch.tensor(input_ids, dtype=torch.long),
            attention_mask=torch.tensor(encoded["attention_mask"], dtype=torch.long),
            labels=torch.tensor(labels, dtype=torch.long),
        )

    def _choose(self, groups: list[list[int]], rng: random.Random) -> list[int]:
        """Positions of whole words covering about ``mlm_probability`` of the tokens."""
        n_tokens = sum(len(g) for g in groups)
        if n_tokens == 0:
            return []
        budget = max(1, round(n_tokens * self.mlm_probability))
        order = list(range(len(groups)))
        rng.shuffle(order)
        chosen: list[int] = []
        for index in order:
            if len(chosen) >= budget:
                break
            if len(chosen) + len(groups[index]) > budget:
                continue
            chosen.extend(groups[index])
        if not chosen:  # every word is longer than the budget: mask the shortest one
            chosen = list(groups[min(range(len(groups)), key=lambda i: len(groups[i]))])
        return chosen

    def _replacement(self, token_id: int, rng: random.Random) -> int:
        draw = rng.random()
        if draw < 0.8:
            return self.mask_id
        if draw < 0.9:
            while True:
                candidate = rng.randrange(self.vocab_size)
                if candidate not in self.special_ids:
                    return candidate
        return token_id
