"""A fine-tuned BERT-family classifier that returns :class:`classify.types.Prediction`.

A model directory holds what ``save_pretrained`` writes for the model and the tokenizer, plus
``meta.json`` (``"kind": "bert"``, version, labels, temperature, review threshold, metrics), so
inference loads only from the directory::

    clf = BertClassifier.load("models/bert-hotline")
    prediction = clf.predict("我们小区三天没人收垃圾了")
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from classify import evaluate
from classify.bert.corpus import normalize_text
from classify.model_io import META_FILE, ModelLoadError, read_meta
from classify.scoring import describe_with, prediction_from_row
from classify.taxonomy import Taxonomy
from classify.types import Prediction

logger = logging.getLogger(__name__)

KIND = "bert"
META_SCHEMA = 1
# ``model_type`` values of config.json accepted as a base or a fine-tuned model.
BERT_FAMILY = (
    "bert",
    "roberta",
    "xlm-roberta",
    "albert",
    "electra",
    "ernie",
    "nezha",
    "megatron-bert",
    "distilbert",
    "camembert",
)
SCHEME_TAXONOMY = "taxonomy"
SCHEME_PLAIN = "plain"


def check_pretrained_dir(directory: Path | str) -> dict[str, Any]:
    """Check that a directory holds a Hugging Face BERT-family model and tokenizer.

    Returns:
        The parsed ``config.json``.

    Raises:
        ModelLoadError: Missing directory, no/invalid ``config.json``, a model type outside
            :data:`BERT_FAMILY`, or no tokenizer files.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise ModelLoadError(f"模型目录不存在: {directory}")
    config_path = directory / "config.json"
    if not config_path.is_file():
        raise ModelLoadError(
            f"{directory} 不是 Hugging Face 模型目录（缺少 config.json）；"
            "请指向 save_pretrained 保存的 BERT 类模型目录，如 models/inhouse-bert"
        )
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelLoadError(f"无法读取 {config_path}: {exc}") from exc
    model_type = config.get("model_type") if isinstance(config, dict) else None
    if model_type not in BERT_FAMILY:
        raise ModelLoadError(
            f"{directory} 的模型类型为 {model_type!r}，不是 BERT 类模型；"
            f"支持: {', '.join(BERT_FAMILY)}"
        )
    if not any((directory / name).is_file() for name in ("vocab.txt", "tokenizer.json")):
        raise ModelLoadError(f"{directory} 缺少分词器文件（vocab.txt 或 tokenizer.json）")
    return dict(config)


def load_tokenizer_dir(directory: Path | str) -> Any:
    """``AutoTokenizer`` from a local directory; errors become :class:`ModelLoadError`."""
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(str(directory), local_files_only=True)
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f"无法从 {directory} 加载分词器: {exc}") from exc


def label_scheme(labels: Sequence[str], taxonomy: Taxonomy | None) -> str:
    """``taxonomy`` when every label is a sub-category code of ``taxonomy``, else ``plain``."""
    if taxonomy is not None and set(labels) <= set(taxonomy.subcategory_codes):
        return SCHEME_TAXONOMY
    return SCHEME_PLAIN


def encode(tokenizer: Any, texts: Sequence[str], max_length: int) -> dict[str, torch.Tensor]:
    """Normalise and tokenise texts into padded tensors."""
    return dict(
        tokenizer(
            [normalize_text(t) for t in texts],
            truncation=True,
            max_length=max_length,
            padding=True,
            return_tensors="pt",
        )
    )


@torch.no_grad()
def predict_logits(
    model: Any, tokenizer: Any, texts: Sequence[str], max_length: int, batch_size: int = 32
) -> np.ndarray:
    """Raw logits of texts, shape (n, n_labels); rows in input order."""
    was_training = model.training
    model.eval()
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), model.config.num_labels), dtype=np.float64)
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        inputs = encode(tokenizer, [texts[i] for i in idx], max_length)
        out[idx] = model(**inputs).logits.double().numpy()
    model.train(was_training)
    return out


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Row-wise softmax of ``logits / temperature``."""
    scaled = logits / temperature
    scaled = scaled - scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    return np.asarray(exp / exp.sum(axis=1, keepdims=True))


class BertClassifier:
    """A fine-tuned sequence classifier with calibrated probabilities and a review threshold."""

    def __init__(
        self, model: Any, tokenizer: Any, meta: dict[str, Any], taxonomy: Taxonomy | None = None
    ) -> None:
        """Wrap a fine-tuned model; use :func:`classify.bert.finetune.finetune` or :meth:`load`."""
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.meta = meta
        self.labels: list[str] = [str(x) for x in meta["labels"]]
        id2label = {int(k): v for k, v in model.config.id2label.items()}
        if [id2label.get(i) for i in range(len(self.labels))] != self.labels:
            raise ModelLoadError("模型配置中的 id2label 与 meta.json 的 labels 不一致")
        self.scheme = str(meta.get("label_scheme", SCHEME_PLAIN))
        self.taxonomy = taxonomy
        if self.scheme == SCHEME_TAXONOMY:
            self.taxonomy = taxonomy or Taxonomy.load()
            unknown = sorted(set(self.labels) - set(self.taxonomy.subcategory_codes))
            if unknown:
                raise ValueError(
                    f"模型标签不在分类体系中: {', '.join(unknown)}；请用当前分类体系重新训练"
                )
        self._describe = describe_with(self.taxonomy if self.scheme == SCHEME_TAXONOMY else None)
        self.threshold = float(meta["threshold"])
        self.temperature = float(meta.get("temperature", 1.0))
        self.top_strategy = str(meta.get("top_strategy", "best_sub"))
        self.max_length = int(meta.get("max_length", 128))
        self.version = str(meta["version"])

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated class probabilities, columns in :attr:`labels` order."""
        logits = predict_logits(self.model, self.tokenizer, texts, self.max_length)
        return softmax(logits, self.temperature)

    def predict(self, text: str) -> Prediction:
        """Classify one text; see :meth:`predict_many`."""
        return self.predict_many([text])[0]

    def predict_many(self, texts: Sequence[str]) -> list[Prediction]:
        """Classify texts.

        A prediction needs review when its calibrated confidence is below the threshold, or
        when the text has no character the model knows (empty, only unknown symbols).
        """
        if not texts:
            return []
        proba = self.predict_proba(texts)
        picked = evaluate.decide(proba, self.labels, self.top_strategy)
        return [
            self._prediction(row, int(best), self.has_known_tokens(text))
            for row, best, text in zip(proba, picked, texts, strict=True)
        ]

    def has_known_tokens(self, text: str) -> bool:
        ids = self.tokenizer(normalize_text(text), add_special_tokens=False)["input_ids"]
        return any(i != self.tokenizer.unk_token_id for i in ids)

    def _prediction(self, row: np.ndarray, best: int, known: bool) -> Prediction:
        return prediction_from_row(
            row,
            best,
            self.labels,
            self._describe,
            threshold=self.threshold,
            known=known,
            version=self.version,
        )

    def save(self, directory: Path | str) -> Path:
        """Write model, tokenizer (``save_pretrained``) and ``meta.json`` into ``directory``."""
        import transformers

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(directory)
        self.tokenizer.save_pretrained(directory)
        meta = {
            **self.meta,
            "transformers_version": transformers.__version__,
            "torch_version": torch.__version__,
        }
        (directory / META_FILE).write_text(
            json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        logger.info("saved bert model %s to %s", self.version, directory)
        return directory

    @classmethod
    def load(cls, directory: Path | str, taxonomy: Taxonomy | None = None) -> BertClassifier:
        """Load a directory written by :meth:`save`.

        Args:
            directory: The model directory.
            taxonomy: Taxonomy for sub-category labels and departments; the project's
                ``data/taxonomy.yaml`` when None (only read for taxonomy-labelled models).

        Raises:
            ModelLoadError: Not a BERT model directory (missing files, other kind of model).
            ValueError: The model's labels are not in the taxonomy.
        """
        from transformers import AutoModelForSequenceClassification

        directory = Path(directory)
        meta = read_meta(directory)
        if meta.get("kind") != KIND:
            raise ModelLoadError(f"{directory} 中的模型类型为 {meta.get('kind')!r}，需要 'bert'")
        check_pretrained_dir(directory)
        tokenizer = load_tokenizer_dir(directory)
        try:
            model = AutoModelForSequenceClassification.from_pretrained(
                str(directory), local_files_only=True
            )
        except (OSError, ValueError) as exc:
            raise ModelLoadError(f"无法从 {directory} 加载模型: {exc}") from exc
        return cls(model.float(), tokenizer, meta, taxonomy)
