"""The examples in the library's docstrings run and give what they show.

Docstring examples are documentation a reader trusts; this keeps them true as the code
changes (one had gone stale unnoticed when they were not run).
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

PACKAGES = ("asr", "classify", "pipeline", "api")
# Alembic's migration environment only imports inside an Alembic run.
SKIP = ("api.migrations",)


def _modules() -> list[str]:
    names = []
    for package in PACKAGES:
        root = importlib.import_module(package)
        names.append(package)
        for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            if not info.name.startswith(SKIP):
                names.append(info.name)
    return names


def _with_examples() -> list[str]:
    finder = doctest.DocTestFinder()
    return [
        name
        for name in _modules()
        if any(t.examples for t in finder.find(importlib.import_module(name)))
    ]


def test_some_modules_have_examples() -> None:
    assert len(_with_examples()) >= 5


@pytest.mark.parametrize("name", _with_examples())
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed"
