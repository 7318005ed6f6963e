"""Compare the coverage of one story, outlet by outlet.

:func:`compare_story` takes the story's articles, each with its balance report (schema
``evenhand/report-1``), and returns plain, JSON-serialisable data (schema
``evenhand/comparison-1``, documented in docs/stories.md) that the views render:

* per article: headline, voices by side, speakers quoted only by its outlet, loaded terms
  (and which of them only its outlet uses), tone toward the story's main actors, facts
  only its outlet reports (aligned sentence by sentence, see :mod:`.align`), and events
  only its outlet reports when the reports carry events (reported ones: claimed events
  marked as claimed, hypothetical and negated ones left out);
* the story's main actors (named in at least two outlets) and the tone toward each;
* the facts every outlet reports, in each outlet's words;
* sides: heard by which outlets, and the **blindspot**: sides mentioned in the coverage
  and never heard in any of it.

Actors are matched across articles by a key: a person by surname (with Jr./Sr. kept:
"Donald Trump Jr." is not "Donald Trump"), an organisation or group by its name. A speaker
is "quoted only by" an outlet when no article of another outlet quotes an actor with the
same key *and* none has a sentence naming them beside a quotation mark or a verb of saying
(the quote finder misses some quotes; this keeps a missed quote from becoming a false
"only").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..errors import InputError
from ..events.modes import counted
from ..lexicons import load_entries
from .align import align_sentences, body_spans
from .text import content_words, fold, normalise, stem

__all__ = ["SCHEMA", "actor_key", "compare_story"]

SCHEMA = "evenhand/comparison-1"
MAIN_ACTORS = 6
SPEAKER_TYPES = frozenset({"person", "organization", "group"})
LOADED_CATEGORIES = frozenset({"loaded", "label"})
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_TITLES = frozenset({"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "president",
                     "senator", "representative", "governor", "secretary", "the"})
_HEADLINE_WORD = re.compile(r"[A-Za-z0-9][\w’'\-]*[\w]|[A-Za-z0-9]")
_SAYING = re.compile(r"[\"“”]|\b(?:said|says|say|told|tells|according to|added|asked|wrote|"
                     r"tweeted|stated|argued|insisted|explained|noted|declared|claimed)\b")


def actor_key(actor: Mapping[str, Any]) -> str | None:
    """The key that matches one actor across articles, or None for actors not matched
    (places, documents, unnamed sources)."""
    kind = actor.get("type")
    name = str(actor.get("name") or "")
    words = [w for w in re.findall(r"[\w’'\-]+", name) if w]
    if not words or kind not in SPEAKER_TYPES:
        return None
    if kind == "person":
        folded = [normalise(w).strip(".") for w in words]
        folded = [w for w in folded if w and w not in _TITLES]
        if not folded:
            return None
        suffix = folded[-1] if folded[-1] in _SUFFIXES and len(folded) > 1 else ""
        surname = folded[-2] if suffix else folded[-1]
        return f"person:{surname}{' ' + suffix if suffix else ''}"
    folded = [stem(w.lower()) for w in words if w.lower() != "the"]
    return f"{kind}:{' '.join(folded)}" if folded else None


# Words of organisation names too common to tell one organisation from another.
_GENERIC = frozenset({"the", "of", "and", "for", "news", "house", "department", "office",
                      "party", "committee", "council", "ministry", "group", "association",
                      "national", "state", "states", "united", "new", "york", "times",
                      "post", "press", "international", "american", "government", "people"})


def _handles(actor: Mapping[str, Any]) -> list[str]:
    """How another text would name the actor: a person's surname; an organisation's or
    group's distinctive words ("NBC" and "WSJ" of "NBC WSJ")."""
    words = [w for w in re.findall(r"[\w’'\-]+", str(actor.get("name") or ""))
             if w.lower().strip(".") not in _SUFFIXES]
    if not words:
        return []
    if actor.get("type") == "person":
        return [words[-1]]
    return [w for w in words if len(w) > 1 and w.lower() not in _GENERIC]


class _Article:
    """One article of the story with what the comparison reads from its report."""

    def __init__(self, index: int, meta: Mapping[str, Any], report: Mapping[str, Any]) -> None:
        self.index = index
        self.meta = meta
        self.report = report
        text = meta.get("text") if meta.get("text") is not None else report.get("text")
        if not isinstance(text, str):
            raise InputError(str(meta.get("id") or report.get("id") or f"article {index}"),
                             "no text to compare (give the article text with its report)")
        self.text = text
        self.id = str(meta.get("id") or report.get("id") or f"article-{index + 1}")
        self.outlet = str(meta.get("outlet") or report.get("outlet") or self.id)
        self.title = str(meta.get("title") or report.get("title") or "")
        self.actors: dict[str, Mapping[str, Any]] = {a["id"]: a
                                                     for a in report.get("actors") or []}
        self.by_key: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
        for actor in self.actors.values():
            key = actor_key(actor)
            if key:
                self.by_key[key].append(actor)

    def sentences(self) -> list[tuple[int, int]]:
        """The report's analysed sentences when it has them (headline and boilerplate are
        already left out), else a light split of the text outside those regions."""
        spans = [(s["start"], s["end"]) for s in self.report.get("sentences") or []
                 if self.text[s["start"]:s["end"]].strip()]
        if spans:
            return spans
        excluded = [(r["start"], r["end"]) for r in self.report.get("excluded") or []]
        return body_spans(self.text, excluded)

    def quoted_keys(self) -> set[str]:
        return {k for k, actors in self.by_key.items() if any(a.get("quote_count")
                                                              for a in actors)}

    def mentions(self, key: str) -> int:
        return sum(len(a.get("mentions") or []) for a in self.by_key.get(key, []))

    def names_near_saying(self, handles: Sequence[str]) -> bool:
        """Whether a sentence of the text names one of ``handles`` beside a quotation mark or
        a verb of saying: a quote the analysis may have missed."""
        if not handles:
            return False
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(h) for h in handles) + r")\b")
        for start, end in self.sentences():
            sentence = self.text[start:end]
            if pattern.search(sentence) and _SAYING.search(sentence):
                return True
        return False

    def names(self, handles: Sequence[str]) -> bool:
        return any(re.search(rf"\b{re.escape(h)}\b", self.text) for h in handles)

    def quoted_handles(self) -> set[str]:
        return {h.casefold() for actors in self.by_key.values() for x in actors
                if x.get("quote_count") for h in _handles(x)}


def compare_story(items: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]],
                  story: str | None = None, *, max_facts: int | None = None) -> dict[str, Any]:
    """Compare the articles of one story. ``items``: ``(article, report)`` pairs, the article
    a mapping with ``id``, ``outlet``, ``title``, ``date``, ``url`` and ``text``, the report
    a report dict (``Report.to_dict()``). ``max_facts``: keep at most this many "only in"
    facts per article (the count of all of them is kept). Returns ``evenhand/comparison-1``
    data."""
    if not items:
        raise InputError(story or "story", "no articles to compare")
    arts = [_Article(i, dict(meta), dict(report)) for i, (meta, report) in enumerate(items)]
    seen: set[str] = set()
    for a in arts:
        if a.id in seen:
            raise InputError(a.id, "the same article is given twice")
        seen.add(a.id)
    outlets = list(dict.fromkeys(a.outlet for a in arts))
    spans = [a.sentences() for a in arts]
    alignment = align_sentences([a.text for a in arts], spans, [a.outlet for a in arts],
                                extra=[a.title for a in arts])
    main = _main_actors(arts)
    loaded = [_loaded_terms(a) for a in arts]
    columns = []
    for a in arts:
        others = [b for b in arts if b.outlet != a.outlet]
        facts = [_fact(arts, spans, u) for u in alignment.unique[a.index]]
        unmatched = [_fact(arts, spans, u) for u in alignment.unmatched[a.index]]
        columns.append({
            "id": a.id, "outlet": a.outlet, "title": a.title,
            "date": a.meta.get("date") or a.report.get("date"),
            "url": a.meta.get("url") or a.report.get("url"),
            "headline": _headline(a, others),
            "quotes": len(a.report.get("quotes") or []),
            "sentences": len(spans[a.index]),
            "voices": _voices(a),
            "sides_never_heard": list((a.report.get("ledger") or {}).get(
                "sides_never_heard") or []),
            "only_speakers": _only_speakers(a, others),
            "loaded_terms": _mark_only_terms(loaded[a.index], a, others, loaded),
            "tone": {m["key"]: _tone(a, m["key"]) for m in main},
            "only_facts": facts[:max_facts] if max_facts is not None else facts,
            "only_facts_total": len(facts),
            "unmatched": unmatched[:max_facts] if max_facts is not None else unmatched,
            "unmatched_total": len(unmatched),
            "only_events": _only_events(a, others, alignment.unique[a.index]),
        })
    shared = [{"score": f.score, "sentences": [
        {"article": arts[i].id, "outlet": arts[i].outlet, "start": spans[i][k][0],
         "end": spans[i][k][1], "text": arts[i].text[spans[i][k][0]:spans[i][k][1]]}
        for i, k in sorted(f.sentences.items())]} for f in alignment.shared]
    return {
        "schema": SCHEMA,
        "story": story,
        "outlets": outlets,
        "articles": columns,
        "main_actors": main,
        "shared_facts": shared,
        "sides": _sides(arts),
        "events_compared": any("events" in a.report for a in arts),
    }


def _fact(arts: Sequence[_Article], spans: Sequence[Sequence[tuple[int, int]]],
          unique: Any) -> dict[str, Any]:
    a = arts[unique.article]
    closest = []
    for c in unique.closest:
        other = arts[c.article]
        s = spans[c.article][c.sentence] if c.sentence is not None else None
        closest.append({"article": other.id, "outlet": other.outlet, "score": c.score,
                        "covered_words": c.covered_words,
                        "text": other.text[s[0]:s[1]] if s else None})
    return {"start": unique.start, "end": unique.end, "text": a.text[unique.start:unique.end],
            "novelty": unique.novelty, "new_words": list(unique.new_words[:8]),
            "new_anchors": list(unique.new_anchors),
            "closest": closest}


def _main_actors(arts: Sequence[_Article]) -> list[dict[str, Any]]:
    """Actors named in at least two outlets (all of them when there is one outlet), most
    mentioned first."""
    outlets_of: dict[str, set[str]] = defaultdict(set)
    mentions: Counter[str] = Counter()
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for a in arts:
        for key, actors in a.by_key.items():
            outlets_of[key].add(a.outlet)
            for actor in actors:
                count = len(actor.get("mentions") or [])
                mentions[key] += count
                names[key][str(actor.get("name"))] += count
    need = min(2, len({a.outlet for a in arts}))
    keys = [k for k, _ in mentions.most_common() if len(outlets_of[k]) >= need]
    return [{"key": k, "name": max(names[k].items(), key=lambda kv: (len(kv[0]), kv[1]))[0],
             "mentions": {a.id: a.mentions(k) for a in arts}}
            for k in keys[:MAIN_ACTORS]]


def _tone(a: _Article, key: str) -> dict[str, Any] | None:
    """Tone toward the actor in this article: that of its most-mentioned actor with the key
    (an article may keep "Trump" and "Donald Trump" apart)."""
    tone = a.report.get("tone") or {}
    actors = sorted(a.by_key.get(key, []), key=lambda x: -len(x.get("mentions") or []))
    for actor in actors:
        t = tone.get(actor["id"])
        if t:
            return {"label": t.get("label"), "score": t.get("score"),
                    "clauses": t.get("clauses")}
    return None


def _voices(a: _Article) -> list[dict[str, Any]]:
    """Quoted speakers grouped by side, most quoted side first; ``side`` None for speakers
    without one."""
    shares = {s["name"]: s for s in a.report.get("sides") or []}
    groups: dict[str | None, list[Mapping[str, Any]]] = defaultdict(list)
    for actor in a.actors.values():
        if actor.get("quote_count"):
            groups[actor.get("side")].append(actor)
    rows: list[dict[str, Any]] = []
    for side, actors in groups.items():
        speakers: dict[tuple[str, str], dict[str, Any]] = {}
        for x in actors:  # "I" and "I" (two unnamed speakers) are listed once, counted twice
            key = (str(x.get("name")), str(x.get("role")))
            entry = speakers.setdefault(key, {"name": x.get("name"), "role": x.get("role"),
                                              "type": x.get("type"), "quotes": 0})
            entry["quotes"] += int(x.get("quote_count") or 0)
        row = shares.get(side or "") or {}
        rows.append({"side": side, "quotes": sum(e["quotes"] for e in speakers.values()),
                     "share": row.get("share"),
                     "speakers": sorted(speakers.values(),
                                        key=lambda e: (-e["quotes"], str(e["name"])))})
    rows.sort(key=lambda r: (r["side"] is None, -r["quotes"], str(r["side"])))
    return rows


def _only_speakers(a: _Article, others: Sequence[_Article]) -> list[dict[str, Any]]:
    quoted_elsewhere = set().union(*(b.quoted_keys() for b in others)) if others else set()
    handles_elsewhere = set().union(*(b.quoted_handles() for b in others)) if others else set()
    rows: list[dict[str, Any]] = []
    for key in sorted(a.quoted_keys()):
        if key in quoted_elsewhere or not others:
            continue
        actors = a.by_key[key]
        main = max(actors, key=lambda x: int(x.get("quote_count") or 0))
        handles = _handles(main)
        if not handles:
            continue  # "Department": nothing to tell it apart by, so nothing to claim
        if not key.startswith("person:") and any(h.casefold() in handles_elsewhere
                                                 for h in handles):
            continue  # "NBC WSJ" here, "NBC News Wall Street Journal" there
        if any(b.names_near_saying(handles) for b in others):
            continue  # perhaps quoted there too, missed by the quote finder
        rows.append({"key": key, "name": main.get("name"), "role": main.get("role"),
                     "side": main.get("side"),
                     "quotes": sum(int(x.get("quote_count") or 0) for x in actors),
                     "mentioned_by": sorted({b.outlet for b in others
                                             if key in b.by_key or b.names(handles)})})
    rows.sort(key=lambda r: (-r["quotes"], str(r["name"])))
    return rows


def _loaded_terms(a: _Article) -> list[dict[str, Any]]:
    counts: Counter[str] = Counter()
    shown: dict[str, dict[str, Any]] = {}
    for sentence in a.report.get("sentences") or []:
        for term in sentence.get("loaded") or []:
            if term.get("category") not in LOADED_CATEGORIES:
                continue
            text = str(term.get("text") or a.text[term["start"]:term["end"]])
            key = " ".join(normalise(w) for w in text.split())
            counts[key] += 1
            shown.setdefault(key, {"text": text, "category": term.get("category"),
                                   "subcategory": term.get("subcategory"),
                                   "quoted": bool(term.get("quoted")),
                                   "start": term["start"], "end": term["end"]})
    return [{**shown[k], "key": k, "count": n} for k, n in
            sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _mark_only_terms(terms: list[dict[str, Any]], a: _Article, others: Sequence[_Article],
                     loaded: Sequence[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Flag the terms no other outlet's article uses, flagged or not (its words appear
    nowhere in the other texts)."""
    elsewhere = [set(content_words(b.text + " " + b.title)) for b in others]
    for term in terms:
        words = set(content_words(term["text"]))
        term["only_here"] = bool(others) and bool(words) and not any(
            words <= vocab for vocab in elsewhere)
    return terms


def _headline_terms(title: str) -> list[dict[str, str]]:
    """Loaded or labelling words of the headline, from evenhand's word lists (single words
    and phrases matched on their written form, plurals folded)."""
    entries = {e.text: e for e in load_entries() if e.category in LOADED_CATEGORIES}
    words = [stem(w.lower()) for w in re.findall(r"[A-Za-z][A-Za-z’'\-]*", title)]
    found: list[dict[str, str]] = []
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            phrase = " ".join(words[i:i + size])
            entry = entries.get(phrase)
            if entry and not any(phrase in f["text"] for f in found):
                found.append({"text": phrase, "category": entry.category,
                              "subcategory": entry.subcategory})
    return found


def _headline(a: _Article, others: Sequence[_Article]) -> dict[str, Any]:
    """The headline, its loaded terms, and the words (as written) whose sense no other
    outlet's headline has (compared folded: "Resigns" = "resigned")."""
    elsewhere = {fold(w) for b in others for w in content_words(b.title)}
    distinct = []
    for word in dict.fromkeys(_HEADLINE_WORD.findall(a.title)):
        folded = [fold(w) for w in content_words(word)]
        if others and folded and not any(w in elsewhere for w in folded):
            distinct.append(word)
    return {"text": a.title, "distinct_words": distinct,
            "loaded_terms": _headline_terms(a.title)}


def _event_key(event: Mapping[str, Any]) -> tuple[str, str, str]:
    def code(side: Any) -> str:
        return str(side.get("code") or side.get("text") or "") if isinstance(side, Mapping) \
            else ""
    root = str(event.get("plover") or str(event.get("code") or "")[:2])
    return root, code(event.get("source")), code(event.get("target"))


def _only_events(a: _Article, others: Sequence[_Article],
                 unique: Iterable[Any]) -> list[dict[str, Any]]:
    """Events (when the reports have them) whose kind and actors no other outlet reports,
    *and* whose sentence is itself only in this outlet.

    Only reported events count, as docs/events.md defines them (:mod:`evenhand.events.modes`):
    mode null (the reporter's own account), ``claimed`` (a quoted speaker's account: kept,
    with ``claimed_by`` and the speaker's name, so a view can mark it as claimed) and
    ``intended`` (an announced intent, itself a CAMEO event). Hypothetical and negated
    events are not facts: they are neither listed nor count as reported by another outlet."""
    events = a.report.get("events")
    if not events or not others:
        return []
    elsewhere = {_event_key(e) for b in others for e in counted(b.report.get("events") or [])}
    unique_spans = [(u.start, u.end) for u in unique]
    names = {str(x.get("id")): x.get("name") for x in a.report.get("actors") or []
             if isinstance(x, Mapping)}
    rows = []
    for event in counted(events):
        if _event_key(event) in elsewhere:
            continue
        if not any(s <= int(event.get("start", -1)) < e for s, e in unique_spans):
            continue
        row = {k: event.get(k) for k in ("start", "end", "code", "name", "plover",
                                         "source", "target", "mode", "claimed_by")}
        # a claim: inside a quote (mode "claimed", or an intent announced in a quote)
        row["claimed"] = event.get("mode") == "claimed" or bool(event.get("claimed_by"))
        row["claimed_by_name"] = names.get(str(event.get("claimed_by"))) \
            if event.get("claimed_by") else None
        rows.append(row)
    return rows


def _sides(arts: Sequence[_Article]) -> dict[str, Any]:
    heard: dict[str, list[str]] = defaultdict(list)
    mentioned: dict[str, dict[str, int]] = defaultdict(dict)
    for a in arts:
        for side in a.report.get("sides") or []:
            name = side.get("name")
            if not name:
                continue
            mentioned[name][a.outlet] = mentioned[name].get(a.outlet, 0) + int(
                side.get("mentions") or 0)
            if side.get("heard") and a.outlet not in heard[name]:
                heard[name].append(a.outlet)
    blindspot: list[dict[str, Any]] = [
        {"side": name, "mentions": sum(by.values()), "mentioned_by": sorted(by)}
                 for name, by in mentioned.items() if not heard.get(name)]
    blindspot.sort(key=lambda r: (-r["mentions"], r["side"]))
    return {"heard_by": {k: sorted(v) for k, v in sorted(heard.items())},
            "blindspot": blindspot}
