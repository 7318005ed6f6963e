"""The voice ledger, findings and balance indicators, computed from a Report.

Everything here is a function of the report's own fields (quotes, actors, their roles and
countries), so every number can be recomputed from ``evenhand analyze --format json``.
Definitions are in docs/indicators.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..kb import KnowledgeBase, load_kb
from ..report import ActorRecord, Report
from .sides import SideMap, default_side, kb_lookup

__all__ = ["annotate_balance"]

# Roles whose voices are independent of the parties to a story.
INDEPENDENT_ROLES = frozenset({"independent_media", "expert_or_academic", "think_tank",
                               "ngo_or_civil_society", "citizen_or_witness"})
ROLE_WORDS = {
    "head_of_state_or_government": "leaders", "minister_or_ministry": "ministries",
    "diplomat": "diplomats", "military": "the military", "legislator": "legislators",
    "party": "parties", "state_media": "state media", "independent_media": "independent media",
    "expert_or_academic": "experts", "think_tank": "think tanks",
    "ngo_or_civil_society": "civil society", "business": "business",
    "citizen_or_witness": "citizens", "unnamed_source": "unnamed sources",
    "document": "documents", "international_organization": "international organisations",
}
SOLE_SIDE_SHARE = 0.7  # above this share of quoted words, one side dominates


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _the(name: str) -> str:
    """'the United States', 'the Netherlands', but 'China'."""
    words = name.split()
    plural = words and words[-1].endswith("s") and words[-1][:1].isupper()
    return f"the {name}" if (words and words[0] in ("United", "Republic", "Czech")) or \
        (plural and len(words) > 1) or name in _THE_NAMES else name


_THE_NAMES = frozenset({"Netherlands", "Philippines", "Bahamas", "Gambia", "Maldives",
                        "Vatican", "Holy See"})


def _adjective(kb: KnowledgeBase, side: str) -> str:
    code = kb.country_for(side)
    if code:
        adjectives = getattr(kb.country(code), "adjectives", ())
        if adjectives:
            return str(adjectives[0])
    return side


def _headline_actors(report: Report, kb: KnowledgeBase) -> list[str]:
    title = report.title or ""
    if not title:
        return []
    words = set(re.findall(r"[\w’'.-]+", title))
    lowered = {w.lower() for w in words}
    countries = {kb_lookup(kb, "country_for", w) for w in words} - {None}
    found = []
    for a in report.actors:
        tokens = [t for t in a.name.split() if len(t) > 2]
        named = a.name.lower() in title.lower() or (
            a.type == "person" and tokens and tokens[-1].lower() in lowered)
        if named or (a.type == "place" and a.country in countries):
            found.append(a.id)
    return found


def annotate_balance(report: Report, sides: SideMap | None = None,
                     kb: KnowledgeBase | None = None) -> Report:
    """Fill ``actors[].side``, ``sides``, ``ledger``, ``findings`` and ``indicators``."""
    kb = kb or load_kb()
    for a in report.actors:
        a.side = (sides.side_for(a.name, a.country, kb) if sides is not None
                  else default_side(a.name, a.country, kb))
    by_id = {a.id: a for a in report.actors}
    total_words = sum(a.quoted_words for a in report.actors) or 0
    table: dict[str, dict[str, Any]] = {}
    for a in report.actors:
        if a.side is None:
            continue
        row = table.setdefault(a.side, {"name": a.side, "actors": [], "quotes": 0,
                                        "quoted_words": 0, "share": 0.0, "mentions": 0,
                                        "heard": False})
        row["actors"].append(a.id)
        row["quotes"] += a.quote_count
        row["quoted_words"] += a.quoted_words
        row["mentions"] += len(a.mentions)
    for row in table.values():
        row["heard"] = row["quotes"] > 0
        row["share"] = round(row["quoted_words"] / total_words, 4) if total_words else 0.0
    report.sides = sorted(table.values(), key=lambda r: (-r["quoted_words"], -r["mentions"],
                                                         r["name"]))
    attributed = [q for q in report.quotes if q.actor]
    ordered = sorted(attributed, key=lambda q: q.start)
    report.ledger = {
        "first_speaker": ordered[0].actor if ordered else None,
        "last_speaker": ordered[-1].actor if ordered else None,
        "headline_actors": _headline_actors(report, kb),
        "sides_heard": [r["name"] for r in report.sides if r["heard"]],
        "sides_never_heard": [r["name"] for r in report.sides if not r["heard"]],
    }
    heard = [r for r in report.sides if r["heard"]]
    report.indicators = {
        "voice_share_by_side": {r["name"]: r["share"] for r in report.sides if r["heard"]},
        "sides_heard_share": round(len(heard) / len(report.sides), 4) if report.sides
        else None,
        "quoted_actors": sum(1 for a in report.actors if a.quoted),
        "independent_voice_share": _independent_share(report.actors, total_words),
        **_wording_indicators(report),
    }
    report.findings = list(_findings(report, by_id, kb))
    return report


def _wording_indicators(report: Report) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if report.attribution is not None:
        out["attributed_claim_share"] = report.attribution.get("attributed_claim_share")
    if report.sentences:
        n = len(report.sentences)
        loaded = sum(1 for s in report.sentences for t in s.get("loaded", [])
                     if not t.get("quoted") and t.get("category") in ("loaded", "label"))
        out["loaded_term_rate"] = round(loaded / n, 4)
        out["biased_sentence_share"] = round(
            sum(1 for s in report.sentences if s.get("biased")) / n, 4)
    return out


def _independent_share(actors: Iterable[ActorRecord], total_words: int) -> float | None:
    if not total_words:
        return None
    words = sum(a.quoted_words for a in actors if a.role in INDEPENDENT_ROLES)
    return round(words / total_words, 4)


def _quote_spans(report: Report, actor_ids: set[str]) -> list[list[int]]:
    return [[q.start, q.end] for q in report.quotes if q.actor in actor_ids]


def _findings(report: Report, by_id: dict[str, ActorRecord], kb: KnowledgeBase
              ) -> Iterable[dict[str, Any]]:
    quoted = [a for a in report.actors if a.quoted and a.type != "document"]
    heard = [r for r in report.sides if r["heard"]]
    unheard = [r for r in report.sides if not r["heard"]]
    if quoted and heard and unheard and len(heard) <= 2:
        roles = sorted({ROLE_WORDS[a.role] for a in quoted if a.role in ROLE_WORDS})
        sided = [a for a in quoted if a.side]
        adjectives = [_adjective(kb, r["name"]) for r in heard]
        who = " or ".join(adjectives)
        all_word = "All" if len(sided) == len(quoted) else f"{len(sided)} of"
        text = (f"{all_word} {len(quoted)} quoted voices are {who}"
                + (f" ({_join(roles)})" if roles else "")
                + "; " + _join([f"{_the(r['name'])} ({r['mentions']} mention"
                                f"{'s' if r['mentions'] != 1 else ''})" for r in unheard])
                + (" is" if len(unheard) == 1 else " are")
                + " discussed but never quoted.")
        evidence = _quote_spans(report, {a.id for a in sided})
        for r in unheard:
            for aid in r["actors"]:
                evidence.extend(by_id[aid].mentions)
        yield {"id": "one-sided-voices", "severity": "warning", "text": text,
               "evidence": sorted(evidence)}
    for r in heard:
        if len(report.sides) > 1 and r["share"] > SOLE_SIDE_SHARE:
            yield {"id": "dominant-side", "severity": "notice",
                   "text": f"{r['name']} has {round(100 * r['share'])}% of all quoted words.",
                   "evidence": sorted(_quote_spans(report, set(r["actors"])))}
    if quoted and not any(a.role in INDEPENDENT_ROLES for a in quoted):
        yield {"id": "no-independent-voice", "severity": "notice",
               "text": "No independent voice is quoted: no expert, think tank, civil-society "
                       "group, independent media or witness.",
               "evidence": sorted(_quote_spans(report, {a.id for a in quoted}))}
    attribution = report.attribution or {}
    vague = attribution.get("vague") or []
    if vague:
        phrases = _join([f"“{v['text']}”" for v in vague[:4]])
        yield {"id": "vague-attribution", "severity": "notice",
               "text": f"{len(vague)} vague attribution{'s' if len(vague) != 1 else ''} "
                       f"with no identifiable source: {phrases}"
                       f"{' …' if len(vague) > 4 else ''}.",
               "evidence": [[v["start"], v["end"]] for v in vague]}
    slanted = attribution.get("slanted") or []
    if slanted:
        verbs = _join(sorted({f"“{v['text']}” ({v['category']})" for v in slanted}))
        yield {"id": "slanted-attribution", "severity": "info",
               "text": f"Attribution verbs other than a neutral “said”: {verbs}.",
               "evidence": [[v["start"], v["end"]] for v in slanted]}
    loose = [q for q in report.quotes if q.actor is None]
    if loose:
        yield {"id": "unattributed-quotes", "severity": "notice",
               "text": f"{len(loose)} quotation{'s' if len(loose) != 1 else ''} "
                       f"{'have' if len(loose) != 1 else 'has'} no identifiable speaker.",
               "evidence": [[q.start, q.end] for q in loose]}
    people = [a for a in quoted if a.type == "person"]
    if people:
        known = [a for a in people if a.gender != "unknown"]
        women = sum(1 for a in known if a.gender == "female")
        yield {"id": "gender-of-quoted-people", "severity": "info",
               "text": f"{len(people)} quoted {'people' if len(people) != 1 else 'person'}: "
                       f"gender evident in the text for {len(known)} ({women} "
                       f"{'woman' if women == 1 else 'women'}, {len(known) - women} "
                       f"{'man' if len(known) - women == 1 else 'men'}).",
               "evidence": sorted(m for a in known for m in a.mentions)}
