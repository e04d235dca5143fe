"""Shared test helpers: where ../shared is, and skipping cleanly without it."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """The course's shared data folder beside the repo (corpus, templates, bench)."""
    return REPO.parent / "shared"


def corpus_dir() -> Path:
    """`../shared/corpus`, or skip the calling test with the reason."""
    path = shared_dir() / "corpus"
    if not (path / "MANIFEST.tsv").is_file():
        pytest.skip(f"real corpus not available at {path} (it lives in ../shared/corpus beside the repo)")
    return path


def templates_dir() -> Path:
    """`../shared/templates`, or skip the calling test with the reason."""
    path = shared_dir() / "templates"
    if not path.is_dir():
        pytest.skip(f"course templates not available at {path}")
    return path
