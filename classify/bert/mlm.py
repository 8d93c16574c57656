"""Masked-LM helpers: held-out split, length-grouped batches, the MLM loss, evaluation."""

from __future__ import annotations

import random
from collections.abc import Sequence

import torch
from transformers import BertForMaskedLM

from classify.bert.masking import IGNORE_INDEX, MaskedBatch, WholeWordMasker


def split_chunks(chunks: Sequence[str], fraction: float, seed: int) -> tuple[list[str], list[str]]:
    """Seeded split into (train, held-out); at least one held-out chunk."""
    order = list(range(len(chunks)))
    random.Random(seed).shuffle(order)
    n_held = max(1, round(len(chunks) * fraction))
    held = sorted(order[:n_held])
    train = sorted(order[n_held:])
    return [chunks[i] for i in train], [chunks[i] for i in held]


def length_batches(
    lengths: Sequence[int], batch_tokens: int, rng: random.Random | None
) -> list[list[int]]:
    """Index batches of similar length, each within ``batch_tokens`` padded tokens.

    With ``rng`` the order is shuffled (sorted within windows of ~50 batches, batches shuffled);
    without it, batches follow sorted length (for evaluation).
    """
    order = list(range(len(lengths)))
    if rng is not None:
        rng.shuffle(order)
    window = max(1, 50 * batch_tokens // 64)
    batches: list[list[int]] = []
    for start in range(0, len(order), window):
        part = sorted(order[start : start + window], key=lambda i: lengths[i])
        current: list[int] = []
        for index in part:
            # Sorted by length: the new row is the longest of the batch.
            if current and (lengths[index] + 2) * (len(current) + 1) > batch_tokens:
                batches.append(current)
                current = []
            current.append(index)
        if current:
            batches.append(current)
    if rng is not None:
        rng.shuffle(batches)
    return batches


def mlm_forward(model: BertForMaskedLM, batch: MaskedBatch) -> tuple[torch.Tensor, int, int]:
    """Loss over masked tokens, and (correct, masked) counts.

    The vocabulary projection runs only on masked positions, which saves most of its cost.
    """
    hidden = model.bert(
        input_ids=batch.input_ids, attention_mask=batch.attention_mask
    ).last_hidden_state
    selected = batch.labels != IGNORE_INDEX
    targets = batch.labels[selected]
    logits = model.cls(hidden[selected])
    loss = torch.nn.functional.cross_entropy(logits, targets)
    correct = int((logits.argmax(dim=-1) == targets).sum())
    return loss, correct, int(targets.numel())


@torch.no_grad()
def evaluate_mlm(
    model: BertForMaskedLM,
    masker: WholeWordMasker,
    chunks: Sequence[str],
    batch_tokens: int,
    seed: int = 1234,
) -> dict[str, float]:
    """Masked-token loss and accuracy on ``chunks`` with a fixed masking seed."""
    was_training = model.training
    model.eval()
    rng = random.Random(seed)
    total_loss = 0.0
    correct = masked = 0
    for indices in length_batches([len(c) for c in chunks], batch_tokens, None):
        batch = masker([chunks[i] for i in indices], rng)
        if batch.n_masked == 0:
            continue
        loss, n_correct, n_masked = mlm_forward(model, batch)
        total_loss += float(loss) * n_masked
        correct += n_correct
        masked += n_masked
    model.train(was_training)
    return {
        "loss": round(total_loss / max(masked, 1), 4),
        "mlm_accuracy": round(correct / max(masked, 1), 4),
        "masked_tokens": masked,
        "chunks": len(chunks),
    }
