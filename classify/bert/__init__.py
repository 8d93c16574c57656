"""A compact in-house Chinese character BERT: vocabulary, pretraining, fine-tuning.

Modules (import them directly; this package imports nothing heavy on its own):

- ``corpus``: text normalisation, corpus files, chunks.
- ``vocab``: character ``vocab.txt`` and its ``BertTokenizerFast``.
- ``masking``: whole-word masking with jieba words.
- ``mlm``: held-out split, length-grouped batches, masked-LM loss and evaluation.
- ``pretrain``: resumable masked-LM pretraining (``scripts/pretrain_bert.py`` is the CLI).
- ``finetune``: sequence classification on any BERT-family directory, with calibration.
- ``model``: :class:`~classify.bert.model.BertClassifier` (``predict`` -> ``Prediction``).
"""
