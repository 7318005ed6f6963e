"""The normalised rows derived from one report (``evenhand/report-1``, as a dict).

Reports only gain fields over time and some components are optional (``events`` arrives
with the event coder, ``tone`` only with its component), so every field is read with a
default: a report without events gives no event rows, never an error.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..errors import StoreError

__all__ = ["DERIVED_TABLES", "derive_rows", "json_safe"]

DERIVED_TABLES = ("actors", "quotes", "sides", "events", "findings", "indicators")


def json_safe(value: Any) -> Any:
    """``value`` with NaN and infinities as None: PostgreSQL's json type rejects them, and a
    report must read back the same from either backend."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None if value is None else int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return int(value)
    return None


def _float(value: Any) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        value = float(value)
        return value if math.isfinite(value) else None
    return None


def _str(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _span(value: Any) -> tuple[int | None, int | None, str | None]:
    if isinstance(value, Mapping):
        return _int(value.get("start")), _int(value.get("end")), _str(value.get("text"))
    return None, None, None


def _words(quote: Mapping[str, Any], text: str | None) -> int:
    """Words of a quote's content, fragments summed (as the report's ``quoted_words``)."""
    spans = quote.get("spans") or []
    if text is not None and spans:
        return sum(len(text[s:e].split()) for s, e in spans)
    return len(str(quote.get("text") or "").split())


def derive_rows(report: Mapping[str, Any], text: str | None = None) -> dict[str, list[dict]]:
    """Rows for each derived table (without ``analysis_id``/``article_id``).

    ``text`` is the text the report's offsets refer to (the report's own ``text`` wins), used
    to count the words of quotes in several fragments.
    """
    if not isinstance(report, Mapping):
        raise StoreError(f"a report must be a JSON object (a dict), got {type(report).__name__}")
    text = report.get("text") if isinstance(report.get("text"), str) else text
    actors_in = [a for a in report.get("actors") or [] if isinstance(a, Mapping)]
    by_key = {str(a.get("id")): a for a in actors_in}
    tone: Mapping[str, Any] = report["tone"] if isinstance(report.get("tone"), Mapping) else {}

    actors = []
    for a in actors_in:
        key = str(a.get("id"))
        mentions = [m for m in a.get("mentions") or [] if isinstance(m, list | tuple) and m]
        t: Mapping[str, Any] = tone[key] if isinstance(tone.get(key), Mapping) else {}
        actors.append({
            "actor_key": key, "name": _str(a.get("name")) or "", "type": _str(a.get("type"))
            or "unnamed", "role": _str(a.get("role")), "country": _str(a.get("country")),
            "gender": _str(a.get("gender")) or "unknown", "side": _str(a.get("side")),
            "quoted": bool(a.get("quoted")), "quote_count": _int(a.get("quote_count")) or 0,
            "quoted_words": _int(a.get("quoted_words")) or 0, "mentions": len(mentions),
            "first_start": min((_int(m[0]) or 0) for m in mentions) if mentions else None,
            "tone_score": _float(t.get("score")), "tone_label": _str(t.get("label")),
        })

    quotes = []
    for idx, q in enumerate(r for r in report.get("quotes") or [] if isinstance(r, Mapping)):
        cue = _span(q.get("cue"))
        speaker = _span(q.get("speaker"))
        actor_key = _str(q.get("actor"))
        actor = by_key.get(actor_key) if actor_key is not None else None
        quotes.append({
            "idx": idx, "start": _int(q.get("start")) or 0, "end": _int(q.get("end")) or 0,
            "text": _str(q.get("text")) or "", "kind": _str(q.get("kind")) or "",
            "n_words": _words(q, text),
            "cue_start": cue[0], "cue_end": cue[1], "cue_text": cue[2],
            "speaker_start": speaker[0], "speaker_end": speaker[1], "speaker_text": speaker[2],
            "actor_key": actor_key, "actor_name": _str(actor.get("name")) if actor else None,
            "side": _str(actor.get("side")) if actor else None,
        })

    sides = [{
        "name": _str(s.get("name")) or "", "actors": len(s.get("actors") or []),
        "quotes": _int(s.get("quotes")) or 0, "quoted_words": _int(s.get("quoted_words")) or 0,
        "share": _float(s.get("share")), "mentions": _int(s.get("mentions")) or 0,
        "heard": bool(s.get("heard")),
    } for s in report.get("sides") or [] if isinstance(s, Mapping)]

    events = []
    for idx, e in enumerate(r for r in report.get("events") or [] if isinstance(r, Mapping)):
        source: Mapping[str, Any] = e["source"] if isinstance(e.get("source"), Mapping) else {}
        target: Mapping[str, Any] = e["target"] if isinstance(e.get("target"), Mapping) else {}
        claimed = e.get("claimed_by")
        events.append({
            "idx": idx, "start": _int(e.get("start")), "end": _int(e.get("end")),
            "code": _str(e.get("code")), "name": _str(e.get("name")),
            "plover": _str(e.get("plover")), "goldstein": _float(e.get("goldstein")),
            "quad": _str(e.get("quad")), "mode": _str(e.get("mode")),
            "source_text": _str(source.get("text")), "source_code": _str(source.get("code")),
            "source_actor": _str(source.get("actor")),
            "target_text": _str(target.get("text")), "target_code": _str(target.get("code")),
            "target_actor": _str(target.get("actor")),
            # claimed_by may be an actor id or a small object; keep it readable either way
            "claimed_by": (_str(claimed) if not isinstance(claimed, Mapping | list)
                           else _compact_json(claimed)),
        })

    findings = [{
        "idx": idx, "kind": _str(f.get("id")) or "", "severity": _str(f.get("severity")),
        "text": _str(f.get("text")) or "", "evidence": json_safe(list(f.get("evidence") or [])),
    } for idx, f in enumerate(r for r in report.get("findings") or [] if isinstance(r, Mapping))]

    indicators_in: Mapping[str, Any] = (report["indicators"] if isinstance(
        report.get("indicators"), Mapping) else {})
    indicators = [{"name": str(name), "value": _float(value)}
                  for name, value in indicators_in.items()
                  if value is None or isinstance(value, int | float)]

    return {"actors": actors, "quotes": quotes, "sides": sides, "events": events,
            "findings": findings, "indicators": indicators}


def _compact_json(value: Any) -> str:
    import json

    return json.dumps(json_safe(value), ensure_ascii=False, separators=(",", ":"))
