"""Sub-category classifier: jieba words + character n-grams, TF-IDF, a linear model.

Typical use::

    taxonomy = Taxonomy.load()
    clf = train_from_tsv([Path("data/seed/seed.tsv")], taxonomy)
    clf.save("models/tfidf")
    prediction = TfidfClassifier.load("models/tfidf").predict("我们小区三天没人收垃圾了")
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.svm import LinearSVC
from threadpoolctl import threadpool_limits

from classify import evaluate
from classify.model_io import (
    FREE_SCHEME_ALIASES,
    SCHEME_FREE,
    SCHEME_TAXONOMY,
    TrainingDataError,
    data_sha256,
    label_scheme,
    load_model_dir,
    meta_head,
    read_training_tsvs,
    save_model_dir,
)
from classify.phonetic import is_han, main_sound
from classify.respell import letters_respelt
from classify.scoring import describe_with, prediction_from_row
from classify.segment import segment
from classify.taxonomy import Taxonomy
from classify.types import Prediction

logger = logging.getLogger(__name__)

KIND = "tfidf"
META_SCHEMA = 1
DEFAULT_C = {"logreg": 20.0, "svm": 1.0}
# Reserved class of out-of-scope text (chatter, Whisper's hallucinations on silence). It is
# trained like any class but never predicted: its probability mass only lowers the
# confidence of the hotline categories, so off-topic text goes to review.
OFF_TOPIC = "_off_topic"
DEFAULT_BACKGROUND = Path(__file__).resolve().parents[1] / "data" / "seed" / "off_topic.txt"

_NON_WORD = re.compile(r"[^\w]+")
_DIGITS = re.compile(r"\d+")


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


# normalize_texts, word_tokens and sound_tokens are pickled by name inside saved pipelines:
# renaming or moving them breaks every saved model directory.


def normalize_text(text: str) -> str:
    """Canonical form for features: simplified, half-width, lower case, digits -> ``0``.

    Whisper often writes traditional characters and Arabic numerals; phone numbers and
    house numbers carry no topic, so every digit run becomes one ``0``. Punctuation
    becomes a space.
    """
    text = _t2s().convert(unicodedata.normalize("NFKC", text))
    text = letters_respelt(text).lower()  # 电T: 电梯
    text = _DIGITS.sub("0", text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def normalize_texts(texts: Sequence[str]) -> list[str]:
    """:func:`normalize_text` over a batch (the first pipeline step)."""
    return [normalize_text(t) for t in texts]


def word_tokens(text: str) -> list[str]:
    """jieba words of already normalised text (the word analyzer)."""
    return segment(text)


def sound_tokens(text: str) -> list[str]:
    """Syllables of already normalised text, and pairs of neighbouring syllables.

    Each Chinese character becomes its usual toneless reading with the sounds recognisers
    confuse merged (:func:`classify.phonetic.fuzzy`), so a homophone Whisper wrote (一宝 for
    医保, 暖器 for 暖气) gives the same features as the word meant. Pairs do not cross
    anything that is not a Chinese character.
    """
    tokens: list[str] = []
    previous = ""
    for ch in text:
        sound = main_sound(ch) if is_han(ch) else ""
        if sound:
            tokens.append(sound)
            if previous:
                tokens.append(f"{previous}_{sound}")
        previous = sound
    return tokens


class HeadGrams:
    """Character 1-3-grams of a text's first ``n`` characters, spaces left out.

    A written complaint opens with its title or its gist (小区停车位被占用…), and the same
    words weigh more there than further down a long message. A class, not a lambda, so that
    a fitted pipeline can be pickled.
    """

    def __init__(self, n: int) -> None:
        self.n = n

    def __call__(self, text: str) -> list[str]:
        head = text.replace(" ", "")[: self.n]
        return [head[i : i + k] for k in (1, 2, 3) for i in range(len(head) - k + 1)]


@dataclass
class TfidfOptions:
    """How to build and train the model.

    Attributes:
        model: ``logreg`` (multinomial logistic regression) or ``svm`` (LinearSVC with
            sigmoid calibration).
        C: Inverse regularisation strength of the linear model; None for the model's
            default (20 for ``logreg``, 1 for ``svm``, chosen by cross-validation on the seed
            set).
        char_ngrams: Smallest and largest character n-gram.
        min_df: Minimum document frequency of a feature.
        class_weight: ``balanced`` or None.
        cv_folds: Folds for the held-out estimate that sets the threshold (>= 2).
        target_precision: Wanted precision of predictions that skip review.
        top_strategy: ``best_sub``, ``sum`` or ``auto`` (the better of the two in
            cross-validation, by top-level accuracy).
        threshold: Fixed review threshold; None to choose it by cross-validation.
        calibration_ensemble: For ``svm``: average the calibrated models of 3 folds (True)
            or calibrate on out-of-fold scores and predict with one LinearSVC fitted on all
            data (False).
        background: A text file of out-of-scope utterances (one per line) trained as the
            reserved :data:`OFF_TOPIC` class; taxonomy labels only; None for none.
        sounds: Add syllable features (:func:`sound_tokens`), robust to homophones.
        head_chars: Add character n-grams of the first so many characters
            (:class:`HeadGrams`), one block per length; empty for none.
    """

    model: str = "logreg"
    C: float | None = None
    char_ngrams: tuple[int, int] = (1, 3)
    min_df: int = 1
    class_weight: str | None = None
    cv_folds: int = 5
    target_precision: float = 0.9
    top_strategy: str = "auto"
    threshold: float | None = None
    calibration_ensemble: bool = True
    background: str | None = None
    sounds: bool = False
    head_chars: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.model not in ("logreg", "svm"):
            raise ValueError(f"未知的模型类型 {self.model!r}；可选: logreg, svm")
        if self.top_strategy not in (*evaluate.TOP_STRATEGIES, "auto"):
            raise ValueError(f"未知的一级分类决策方式 {self.top_strategy!r}")
        if self.cv_folds < 2:
            raise ValueError("cv_folds 至少为 2")
        self.head_chars = tuple(self.head_chars)  # from JSON meta: a list
        if any(n <= 0 for n in self.head_chars):
            raise ValueError("head_chars 必须为正整数")


def build_pipeline(options: TfidfOptions | None = None) -> Pipeline:
    """An unfitted pipeline: normalise -> (word TF-IDF + char TF-IDF) -> linear model."""
    opts = options or TfidfOptions()
    parts: list[tuple[str, Any]] = [
        ("words", TfidfVectorizer(analyzer=word_tokens, sublinear_tf=True, min_df=opts.min_df)),
        (
            "chars",
            TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=opts.char_ngrams,
                sublinear_tf=True,
                min_df=opts.min_df,
            ),
        ),
    ]
    for n in opts.head_chars:
        parts.append(
            (
                f"head{n}",
                TfidfVectorizer(analyzer=HeadGrams(n), sublinear_tf=True, min_df=opts.min_df),
            )
        )
    if opts.sounds:
        parts.append(
            (
                "sounds",
                TfidfVectorizer(analyzer=sound_tokens, sublinear_tf=True, min_df=opts.min_df),
            )
        )
    features = FeatureUnion(parts)
    classifier: Any
    C = opts.C if opts.C is not None else DEFAULT_C[opts.model]
    if opts.model == "logreg":
        classifier = LogisticRegression(
            C=C, solver="newton-cg", max_iter=1000, class_weight=opts.class_weight
        )
    else:
        svm = LinearSVC(C=C, class_weight=opts.class_weight, random_state=0)
        classifier = CalibratedClassifierCV(
            svm, method="sigmoid", cv=3, ensemble=opts.calibration_ensemble
        )
    return Pipeline(
        [
            ("normalize", FunctionTransformer(normalize_texts)),
            ("features", features),
            ("clf", classifier),
        ]
    )


def _n_folds(labels: Sequence[str], wanted: int) -> int:
    """Folds for cross-validation: as wanted, but no more than the rarest class has examples."""
    smallest = min(Counter(labels).values())
    if smallest < 2:
        raise ValueError("每个子类至少需要 2 条样本才能交叉验证")
    return min(wanted, smallest)


def cross_validated_proba(
    texts: Sequence[str], labels: Sequence[str], options: TfidfOptions, seed: int = 0
) -> tuple[np.ndarray, list[str]]:
    """Out-of-fold class probabilities (rows in input order) and the class order."""
    cv = StratifiedKFold(
        n_splits=_n_folds(labels, options.cv_folds), shuffle=True, random_state=seed
    )
    # Small sparse problems: BLAS threads only add overhead (and contend on shared CPUs).
    with threadpool_limits(limits=1):
        proba = cross_val_predict(
            build_pipeline(options), list(texts), list(labels), cv=cv, method="predict_proba"
        )
    return np.asarray(proba), sorted(set(labels))


def _cv_report(
    proba: np.ndarray, classes: list[str], labels: Sequence[str], options: TfidfOptions
) -> tuple[str, float, dict[str, Any]]:
    """Choose the top-level strategy and the threshold from out-of-fold probabilities.

    Accuracy figures count in-scope rows only; the threshold is chosen over all rows, an
    accepted off-topic row counting as a wrong prediction.
    """
    keep = [i for i, c in enumerate(classes) if c != OFF_TOPIC]
    full_labels = list(labels)
    in_scope = np.array([y != OFF_TOPIC for y in full_labels])
    proba, classes = proba[:, keep], [classes[i] for i in keep]
    labels = [y for y in full_labels if y != OFF_TOPIC]
    by_strategy: dict[str, Any] = {}
    for strategy in evaluate.TOP_STRATEGIES:
        chosen = evaluate.decide(proba[in_scope], classes, strategy)
        by_strategy[strategy] = evaluate.score(labels, [classes[i] for i in chosen])
    strategy = options.top_strategy
    if strategy == "auto":
        strategy = max(
            evaluate.TOP_STRATEGIES,
            key=lambda s: (by_strategy[s].top_accuracy, by_strategy[s].sub_accuracy),
        )
    idx = evaluate.decide(proba, classes, strategy)
    confidences = proba[np.arange(len(idx)), idx]
    correct = np.array([classes[i] == y for i, y in zip(idx, full_labels, strict=True)])
    threshold = options.threshold
    if threshold is None:
        threshold = evaluate.choose_threshold(confidences, correct, options.target_precision)
    report: dict[str, Any] = {
        "folds": _n_folds(full_labels, options.cv_folds),
        "n": len(labels),
        **by_strategy[strategy].as_dict(),
        "by_top_strategy": {s: sc.as_dict() for s, sc in by_strategy.items()},
        "review": evaluate.review_summary(confidences[in_scope], correct[in_scope], threshold),
    }
    if not in_scope.all():
        off = confidences[~in_scope]
        report["off_topic"] = {
            "n": int(off.size),
            "sent_to_review": round(float((off < threshold).mean()), 4),
        }
    return strategy, threshold, report


# Openings given their own features in free-label models. 5-fold CV macro-F1 on TipDM with
# one block: 15 -> 0.929, 20 -> 0.929, 25 -> 0.931, 30 -> 0.930, 40 -> 0.927, 60 -> 0.926;
# 25 and 50 together: the same over all rows and +0.003 over the raw-text rows in CV, but
# -0.006 on the raw-text rows of the fixed 80/20 split: not worth a second block.
FREE_HEAD_CHARS = (25,)


def default_options(scheme: str) -> TfidfOptions:
    """Default options of a label scheme.

    Taxonomy labels keep logistic regression, whose probabilities leave off-topic chatter
    with low confidence (see bench/README.md), learn the reserved off-topic class from
    ``data/seed/off_topic.txt`` and add syllable features against Whisper's homophones.
    They take the most probable sub-category (``best_sub``): in cross-validation on the
    seed set the two strategies are even (top level 0.931 against 0.932 for ``sum``, two
    rows of 1,560), while on the Whisper transcripts of the project's own calls
    (``data/transcripts/``, 458 calls with a script, after the pipeline's hand-over cues)
    ``best_sub`` gets 454 top levels and 452 sub-categories right against 449 and 447:
    summing lets many small administrative scores outvote one clear environmental one
    (a ditch of black water heard as 排水旗 went to 供水).
    Free labels (written complaints, such as TipDM 2020) use what cross-validated best
    there: LinearSVC with balanced class weights (macro-F1 counts every class alike), one
    model on all data, sigmoid calibration, and the syllable features too (+0.001 macro-F1
    over all rows and +0.003 to +0.005 over the raw-text rows, in 5-fold CV with two seeds),
    and n-grams of the first 25 characters (:data:`FREE_HEAD_CHARS`), the title or gist of
    a written message (+0.006 over all rows, +0.008 over raw-text rows, two seeds).
    """
    if scheme == SCHEME_TAXONOMY:
        background = str(DEFAULT_BACKGROUND) if DEFAULT_BACKGROUND.is_file() else None
        return TfidfOptions(background=background, sounds=True, top_strategy="best_sub")
    return TfidfOptions(
        model="svm",
        sounds=True,
        min_df=2,
        class_weight="balanced",
        top_strategy="best_sub",
        calibration_ensemble=False,
        head_chars=FREE_HEAD_CHARS,
    )


class TfidfClassifier:
    """A fitted TF-IDF classifier over the taxonomy's sub-categories or a free label set."""

    def __init__(self, pipeline: Pipeline, taxonomy: Taxonomy, meta: dict[str, Any]) -> None:
        """Wrap a fitted pipeline; use :meth:`train` or :meth:`load` rather than this."""
        self.pipeline = pipeline
        self.taxonomy = taxonomy
        self.meta = meta
        all_classes = [str(c) for c in pipeline.classes_]
        # Columns of the hotline (or free) labels; the off-topic column is never predicted.
        self._columns = [i for i, c in enumerate(all_classes) if c != OFF_TOPIC]
        self.classes: list[str] = [all_classes[i] for i in self._columns]
        scheme = str(meta.get("label_scheme", SCHEME_TAXONOMY))
        self.scheme = SCHEME_FREE if scheme in FREE_SCHEME_ALIASES else SCHEME_TAXONOMY
        unknown = [c for c in self.classes if c not in taxonomy.subcategory_codes]
        if unknown and self.scheme == SCHEME_TAXONOMY:
            raise ValueError(
                f"模型标签不在分类体系中: {', '.join(unknown)}；请用当前分类体系重新训练"
            )
        if meta.get("labels", self.classes) != self.classes:
            raise ValueError("模型元数据中的标签与模型不一致；模型目录可能已损坏，请重新训练")
        self._describe = describe_with(None if self.scheme == SCHEME_FREE else taxonomy)
        self.threshold = float(meta["threshold"])
        self.top_strategy = str(meta.get("top_strategy", "best_sub"))
        self.version = str(meta["version"])

    @classmethod
    def train(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        taxonomy: Taxonomy,
        options: TfidfOptions | None = None,
    ) -> TfidfClassifier:
        """Cross-validate (for metrics and the review threshold), then fit on all data.

        Args:
            texts: Caller utterances or messages.
            labels: Sub-category code of each text, or labels of another scheme when none
                is a sub-category code (predicted as the label itself, no department).
            taxonomy: The taxonomy the labels come from.
            options: Model and training options; :func:`default_options` of the label
                scheme when None.

        Raises:
            ValueError: Empty data, mismatched lengths, labels partly outside the taxonomy,
                or a label with fewer than 2 examples.
        """
        scheme = _check_training_data(texts, labels, taxonomy)
        opts = options or default_options(scheme)
        if scheme == SCHEME_FREE and opts.top_strategy != "best_sub":
            # Free labels have no top level to sum over.
            opts = replace(opts, top_strategy="best_sub")
        background = read_background(opts.background) if scheme == SCHEME_TAXONOMY else []
        all_texts = [*texts, *background]
        all_labels = [*labels, *[OFF_TOPIC] * len(background)]
        proba, classes = cross_validated_proba(all_texts, all_labels, opts)
        strategy, threshold, report = _cv_report(proba, classes, all_labels, opts)
        logger.info("cross-validated %s: %s", KIND, report)
        with threadpool_limits(limits=1):
            pipeline = build_pipeline(opts).fit(all_texts, all_labels)
        classes = [str(c) for c in pipeline.classes_ if c != OFF_TOPIC]
        meta = {
            **meta_head(KIND, META_SCHEMA, classes, scheme, texts, labels),
            "n_train": len(texts),
            "off_topic": {
                "n": len(background),
                "sha256": data_sha256(background, [OFF_TOPIC] * len(background)),
            },
            "threshold": round(float(threshold), 6),
            "top_strategy": strategy,
            "options": asdict(opts),
            "cv_metrics": report,
        }
        return cls(pipeline, taxonomy, meta)

    def predict(self, text: str) -> Prediction:
        """Classify one text; see :meth:`predict_many`."""
        return self.predict_many([text])[0]

    def predict_many(self, texts: Sequence[str]) -> list[Prediction]:
        """Classify texts.

        A prediction needs review when its confidence is below the model's threshold or
        when the text shares no word with the training data (gibberish, filler sounds,
        empty text): character n-grams alone are too weak evidence.
        """
        if not texts:
            return []
        proba, known = self.scores(texts)
        picked = evaluate.decide(proba, self.classes, self.top_strategy)
        return [
            self._prediction(row, int(i), bool(k))
            for row, i, k in zip(proba, picked, known, strict=True)
        ]

    def scores(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Class probabilities (columns in :attr:`classes` order; with an off-topic class
        they sum to less than 1) and, per text, whether it shares at least one word with
        the training data."""
        features = self.pipeline[:-1].transform(list(texts))
        proba = np.asarray(self.pipeline[-1].predict_proba(features))[:, self._columns]
        n_words = len(self.pipeline["features"].transformer_list[0][1].vocabulary_)
        known = np.asarray(features[:, :n_words].getnnz(axis=1)) > 0
        return proba, known

    def _prediction(self, row: np.ndarray, best: int, has_words: bool) -> Prediction:
        return prediction_from_row(
            row,
            best,
            self.classes,
            self._describe,
            threshold=self.threshold,
            known=has_words,
            version=self.version,
        )

    def save(self, directory: Path | str) -> Path:
        """Write the model directory (``model.joblib`` + ``meta.json``)."""
        return save_model_dir(directory, self.pipeline, self.meta)

    @classmethod
    def load(cls, directory: Path | str, taxonomy: Taxonomy | None = None) -> TfidfClassifier:
        """Load a model directory written by :meth:`save`.

        Args:
            directory: The model directory.
            taxonomy: Taxonomy to map codes to labels and departments; the project's
                ``data/taxonomy.yaml`` when None (not consulted for free labels).

        Raises:
            ModelLoadError: Not a TF-IDF model directory.
            ValueError: A taxonomy-labelled model whose labels are not in the taxonomy.
        """
        pipeline, meta = load_model_dir(directory, KIND)
        return cls(pipeline, taxonomy or Taxonomy.load(), meta)


def read_background(path: str | Path | None) -> list[str]:
    """Out-of-scope utterances, one per line (blank lines and ``#`` comments skipped).

    Raises:
        TrainingDataError: The file is named but missing.
    """
    if path is None:
        return []
    file = Path(path)
    if not file.is_file():
        raise TrainingDataError(f"找不到无关话语文件 (background file missing): {file}")
    lines = (line.strip() for line in file.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _check_training_data(texts: Sequence[str], labels: Sequence[str], taxonomy: Taxonomy) -> str:
    """Validate training data; returns its label scheme."""
    if len(texts) != len(labels):
        raise ValueError(f"文本数 {len(texts)} 与标签数 {len(labels)} 不一致")
    if not texts:
        raise ValueError("没有训练数据")
    scheme = label_scheme(labels, taxonomy.subcategory_codes)
    if len(set(labels)) < 2:
        raise ValueError("至少需要 2 个类别的训练数据")
    return scheme


def train_from_tsv(
    paths: Sequence[Path | str], taxonomy: Taxonomy, options: TfidfOptions | None = None
) -> TfidfClassifier:
    """Train on one or more TSV files (header ``label`` + ``text`` or ``label`` + ``tokens``).

    Raises:
        TrainingDataError: A file is missing or has the wrong columns.
        ValueError: Labels partly outside the taxonomy or too few examples.
    """
    texts, labels = read_training_tsvs(paths)
    return TfidfClassifier.train(texts, labels, taxonomy, options)
