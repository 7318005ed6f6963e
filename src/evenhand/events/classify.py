"""A sentence's CAMEO penta-class: what kind of event it mainly reports.

The classes are those of the Phoenix/ConfliBERT "pentaclass": 0 statement (CAMEO 01-02),
1 verbal cooperation (03-05), 2 material cooperation (06-08), 3 verbal conflict (09-13, 16),
4 material conflict (14-15, 17-20).

The dictionary decides first: the class of the sentence's main event (the counted event
highest in the parse; see :func:`evenhand.events.modes.main_event`), including events
whose actors cannot be coded ("a car bomb killed ..."). Only a sentence with no event at
all goes to the fallback: a small logistic regression over the sentence's lemmas, trained
on the ConfliBERT training sentences (``penta_fallback.json`` beside this module; model
card: docs/model-card-events.md; retrain with ``make train-events``). Without that file the
fallback answers "statement".
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.tokens import Doc

from ..errors import ConfigError
from .modes import main_event

__all__ = ["MODEL_FILE", "PENTA_NAMES", "PentaFallback", "penta_class", "sentence_class",
           "sentence_features"]

MODEL_FILE = "penta_fallback.json"
PENTA_NAMES = ("statement", "verbal cooperation", "material cooperation", "verbal conflict",
               "material conflict")


def penta_class(code: str) -> int:
    """CAMEO code -> penta-class (see the module docstring)."""
    root = int(code[:2])
    if root <= 2:
        return 0
    if root <= 5:
        return 1
    if root <= 8:
        return 2
    if root <= 13 or root == 16:
        return 3
    return 4


def sentence_features(doc: Doc) -> list[str]:
    """The fallback's features: lower-case lemmas of content words, the entity labels, and
    whether the sentence holds a quote."""
    feats = {t.lemma_.lower() for t in doc if t.is_alpha and not t.is_stop}
    feats |= {"ENT=" + e.label_ for e in doc.ents}
    quotes = doc._.evenhand_quotes if Doc.has_extension("evenhand_quotes") else None
    if quotes:
        feats.add("QUOTE")
    return sorted(feats)


@dataclass(frozen=True)
class PentaFallback:
    """Multinomial logistic regression: ``weights[feature]`` is one weight per class."""

    weights: dict[str, tuple[float, ...]]
    bias: tuple[float, ...]
    meta: dict[str, Any]

    def scores(self, features: Iterable[str]) -> list[float]:
        z = list(self.bias)
        for f in features:
            w = self.weights.get(f)
            if w is not None:
                for k in range(len(z)):
                    z[k] += w[k]
        top = max(z)
        exp = [math.exp(v - top) for v in z]
        total = sum(exp)
        return [v / total for v in exp]

    def predict(self, features: Iterable[str]) -> int:
        probs = self.scores(features)
        return max(range(len(probs)), key=probs.__getitem__)

    def to_json(self) -> str:
        """One feature a line, so that a retrained model diffs readably."""
        lines = [f"{json.dumps(f, ensure_ascii=False)}: {json.dumps([round(v, 4) for v in w])}"
                 for f, w in sorted(self.weights.items())]
        return ("{\"meta\": " + json.dumps(self.meta, ensure_ascii=False) + ",\n\"bias\": "
                + json.dumps([round(b, 4) for b in self.bias]) + ",\n\"weights\": {\n"
                + ",\n".join(lines) + "\n}}")

    @classmethod
    def from_json(cls, text: str, label: str = MODEL_FILE) -> PentaFallback:
        try:
            data = json.loads(text)
            bias = tuple(float(b) for b in data["bias"])
            weights = {str(f): tuple(float(v) for v in w) for f, w in data["weights"].items()}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigError(f"{label}: not a penta-class model ({exc})") from exc
        if len(bias) != 5 or any(len(w) != 5 for w in weights.values()):
            raise ConfigError(f"{label}: expected 5 classes")
        return cls(weights, bias, dict(data.get("meta") or {}))


@lru_cache(maxsize=1)
def load_fallback() -> PentaFallback | None:
    """The packaged fallback model, or None when the file is absent."""
    path = resources.files("evenhand.events").joinpath(MODEL_FILE)
    if not path.is_file():
        return None
    return PentaFallback.from_json(path.read_text(encoding="utf-8"))


def sentence_class(doc: Doc, coder: Any | None = None,
                   fallback: PentaFallback | None = None) -> tuple[int, str]:
    """``(class, how)`` for a one-sentence Doc that went through evenhand's pipeline;
    ``how`` is ``dictionary`` or ``fallback``. ``coder``: an
    :class:`~evenhand.events.coder.EventCoder` (default: the package's)."""
    if coder is None:
        coder = _default_coder()
    actors = doc._.evenhand_actors if Doc.has_extension("evenhand_actors") else None
    quotes = doc._.evenhand_quotes if Doc.has_extension("evenhand_quotes") else None
    events = coder.code_doc(doc, actors or [], quotes or [], keep_uncoded=True)
    main = main_event(doc, events)
    if main is not None:
        return penta_class(main.code), "dictionary"
    model = fallback or load_fallback()
    if model is None:
        return 0, "fallback"
    return model.predict(sentence_features(doc)), "fallback"


@lru_cache(maxsize=1)
def _default_coder() -> Any:
    from ..kb import load_kb
    from .coder import EventCoder
    from .dictionary import load_dictionary

    return EventCoder(load_dictionary(), load_kb())
