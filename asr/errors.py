"""Errors raised by the speech-recognition stage.

Every error is a ``ValueError`` subclass whose message tells the user what went wrong and what
to do about it (Chinese first, English after, so logs stay searchable).
"""

from __future__ import annotations


class AsrError(ValueError):
    """Base class of all errors raised by :mod:`asr`."""


class AudioError(AsrError):
    """A recording is missing, empty, corrupt or not audio at all."""


class ModelError(AsrError):
    """The speech model cannot be found, assembled or loaded."""
