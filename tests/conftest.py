"""Shared fixtures.

* ``nlp``: the spaCy pipeline with evenhand's components, loaded once per session. Tests
  that use it are marked ``slow`` automatically (they still run in ``make test``; deselect
  them with ``-m 'not slow'``).
* ``shared_dir`` / ``seed_article``: ``../shared`` beside the checkout and the seed article
  in it; tests that use them are skipped when it is absent.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from spacy.language import Language

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLE = ROOT / "examples" / "example_article.txt"


@pytest.fixture(scope="session")
def nlp() -> Language:
    import evenhand

    return evenhand.load_pipeline()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent")
    return SHARED


@pytest.fixture(scope="session")
def seed_article(shared_dir: Path) -> Path:
    path = shared_dir / "data" / "seed" / "article.txt"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return path


@pytest.fixture(scope="session")
def example_article() -> Path:
    return EXAMPLE


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "nlp" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
