"""Shared fixtures of the classifier tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.classify.bert_fixtures import make_tiny_base


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny pretrained model directory (2 layers, hidden 32), trained for 12 steps."""
    return make_tiny_base(tmp_path_factory.mktemp("tiny_bert"))
