"""The ``evenhand_quotes`` component: every attributed statement and its speaker mention.

Three kinds of evidence are combined, sentence by sentence:

* **cue verbs** from :mod:`.lexicon` with a subject (the speaker) and a complement clause or
  content object (what was said): "X said (that) ...", "..., X said.", "X warned ...";
* **"according to X"** phrases, whose clause is the content;
* **quotation marks** (:mod:`.marks`): a direct quote takes the cue next to it, else the
  speaker announced with a colon in the sentence before, else — a *floating* quote paragraph
  — the speaker of the quote in the paragraph before; a quotation paragraph signed with a
  dash ("“...” ― Ann Lee") is the named person's.

Each result is a :class:`Quote` on ``doc._.evenhand_quotes`` and a span in
``doc.spans["evenhand_quotes"]`` labelled with its kind. Offsets are character offsets into
the text the Doc was made from.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TypeVar

import numpy as np
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from ._doctext import doc_text
from .bounds import ARRAYS_KEY, BoundaryContext, TokenArrays, any_of, string_ids, token_arrays
from .cues import ATTRIBUTION_NOUNS, PROJECTIONS_KEY, CueScorer, candidate_at, subject_index
from .headlines import headline_quotes
from .lexicon import CUE_LEMMAS, SPEECH, word_set
from .marks import MarkedQuote, find_marked_quotes

__all__ = ["HEADLINE_KEY", "SPANS_KEY", "Quote", "QuoteFinder", "make_quotes"]

SPANS_KEY = "evenhand_quotes"
# doc.user_data[HEADLINE_KEY] = (offset, headline text): the headline the Doc's text has
# blanked out (see Article.masked_text), whose attributions are then found by pattern
HEADLINE_KEY = "evenhand_headline"

# A marked quote shorter than this (in words) with no cue of its own is a scare quote or a
# quoted term ("the “uniqueness and distinction” of ..."), not a quotation.
MIN_FLOATING_WORDS = 6
_SPEAKER_DROP = {"relcl", "advcl", "acl"}
# "“...” ― Ann Lee": a paragraph-long quotation signed with a dash and a capitalised name of
# up to six words (the opening mark may be any double quote, misprints included)
_DASH_SIGNED = re.compile(
    r"^[ \t\xa0]*(?P<quote>[\"“”][^\n]*?[\"“”])[ \t\xa0]*(?P<dash>[―—–]|--)[ \t\xa0]*"
    r"(?P<name>[A-Z][\w.'’-]*(?:[ \xa0][A-Z][\w.'’-]*){0,5}?)[ \t\xa0.]*$", re.M)
# "TAPPER: And obviously, you're ...", "Q: Did the service ...", "Matthews: Well, ...": a
# paragraph of a transcript or interview, opened by its speaker's name (in capitals, or up to
# three capitalised words that the parser takes for a name) and a colon
_TRANSCRIPT = re.compile(
    r"^[ \t\xa0]*[\"“]?(?P<name>[A-Z][A-Z.'’-]*(?:[ \xa0][A-Z][A-Z.'’-]*){0,3}|"
    r"[A-Z][a-z'’-]+(?:[ \xa0][A-Z][a-z'’-]+){0,2})[ \t\xa0]*(?P<colon>:)[ \t\xa0]+"
    r"(?P<said>\S[^\n]*?)[ \t\xa0]*$", re.M)
# labels that open a paragraph the same way without naming a speaker
_NOT_SPEAKERS = word_set("""
update updated note editor's editors correction clarification watch video photo photos audio
listen read source sources credit byline dateline advertisement sponsored related breaking
exclusive live opinion analysis editorial transcript summary abstract full text more also
disclosure warning trigger spoiler poll polls chart graphic map
""")


def _line_matches(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern that starts with ``^`` (multiline) and never
    crosses a line: tried at the line starts only, not at every character (where the
    search would try, and fail, at each)."""
    end = 0
    start = 0
    while start <= len(text):
        if start >= end:
            m = pattern.match(text, start)
            if m is not None:
                yield m
                end = m.end()
        nl = text.find("\n", start)
        if nl < 0:
            break
        start = nl + 1


@dataclass
class Quote:
    start: int
    end: int
    kind: str
    cue: tuple[int, int] | None
    speaker: tuple[int, int] | None
    spans: list[tuple[int, int]] = field(default_factory=list)
    actor: str | None = None
    # token index of the speaker mention's head, for actor resolution
    speaker_head: int | None = None
    cue_head: int | None = None
    # the cue scorer's probability, for a quote it decided (None: a rule did)
    score: float | None = None


def _char_span(tokens: Span | list[Token]) -> tuple[int, int]:
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


_Tokens = TypeVar("_Tokens", Span, list[Token])


def _trim_tokens(tokens: _Tokens, keep_quote_marks: bool = True) -> _Tokens:
    def edge(t: Token) -> bool:
        if t.is_space:
            return True
        if t.is_punct:
            return not (keep_quote_marks and t.is_quote)
        return t.lower_ in {"that"} and False

    while tokens and edge(tokens[0]):
        tokens = tokens[1:]
    while tokens and edge(tokens[-1]):
        tokens = tokens[:-1]
    return tokens


def _speaker_tokens(subj: Token) -> list[Token]:
    doc = subj.doc
    return [doc[i] for i in _speaker_indices(doc, token_arrays(doc), subj.i)]


def _speaker_indices(doc: Doc, a: TokenArrays, s: int) -> list[int]:
    """The speaker mention of subject ``s``: its phrase up to the head and the contiguous run
    after it, without relative and adverbial clauses, spaces and punctuation at the edges.
    (Edges and subtrees as spaCy gives them, which can differ from the arrays' own in a
    non-projective parse; the rest on the arrays.)"""
    subj = doc[s]
    lo, hi = subj.left_edge.i, subj.right_edge.i
    drop: set[int] = set()
    dep = a.dep
    # Token.children: the tokens between the edges whose head it is
    for child in a.children[s]:
        if s < child <= hi and dep[child] in _SPEAKER_DROP:
            drop.update(t.i for t in doc[child].subtree)
    tokens: Sequence[int] = range(lo, hi + 1)
    if drop:
        tokens = [i for i in tokens if i not in drop]
    # keep the contiguous run around the head
    run = [i for i in tokens if i <= s]
    for i in tokens:
        if i > s and i == run[-1] + 1:
            run.append(i)
    skip = a.skip
    first, last = 0, len(run) - 1
    while first <= last and skip[run[first]]:
        first += 1
    while first <= last and skip[run[last]]:
        last -= 1
    return run[first:last + 1] or [s]


def _speaker_span(doc: Doc, a: TokenArrays, s: int) -> tuple[int, int]:
    run = _speaker_indices(doc, a, s)
    return a.idx[run[0]], a.end[run[-1]]


def _cue_span(a: TokenArrays, v: int) -> tuple[int, int]:
    """The characters of a cue word and its particles ("*called for*", "*set out*")."""
    lo = hi = v
    dep = a.dep
    for c in a.children[v]:
        if dep[c] == "prt":
            if c < lo:
                lo = c
            elif c > hi:
                hi = c
    return a.idx[lo], a.end[hi]


class QuoteFinder:
    """Finds quotes in a parsed Doc. Stateless between documents."""

    def __init__(self, min_floating_words: int = MIN_FLOATING_WORDS,
                 scorer: CueScorer | None = None) -> None:
        self.min_floating_words = min_floating_words
        self.scorer = scorer or CueScorer.load()

    # -- candidates from the parse ---------------------------------------------------------
    def _cue_candidates(self, doc: Doc,
                        parts: list[tuple[int, int]] | None = None) -> list[Quote]:
        """The quotes of the cue words, those whose cue lies inside one of the quotations'
        ``parts`` left out (they would be dropped: see __call__), before they are scored."""
        found: list[Quote] = []
        a = token_arrays(doc)
        inside = _PartIndex(parts or [])
        # the tokens with a particle ("called *for*"): the others' cue is the word alone
        particles = set(a.head_array[a.dep_ids == _PRT].tolist())
        for i in _cue_positions(a):
            if _according_to(a, i):
                if not inside(a.idx[i], a.end[i + 1]):
                    q = self._according(doc[i])
                    if q:
                        found.append(q)
            elif not (inside(*_cue_span(a, i)) if i in particles else
                      inside(a.idx[i], a.end[i])):
                q = self._verb_cue(doc, a, i)
                if q:
                    found.append(q)
        return found

    def _verb_cue(self, doc: Doc, a: TokenArrays, v: int) -> Quote | None:
        """The quote of cue token ``v`` (``a``: the Doc's arrays), if any."""
        scorer = self.scorer
        cand = candidate_at(doc, a, v)
        score = None
        if cand is not None and not scorer.forced(cand):
            score = scorer.probability(cand)
        if cand is not None and (score is None or score >= scorer.threshold):
            first, last = cand.first, cand.last
            if scorer.spans.active:
                s, e = a.trimmed(*scorer.spans.choose(
                    BoundaryContext.at(a, v, first, last, cand.comp_dep)))
                if s <= e:
                    first, last = s, e
            start, end = a.idx[first], a.end[last]
            if cand.speakerless:
                return Quote(start, end, "indirect", _cue_span(a, v), None, cue_head=v,
                             score=score)
            return Quote(start, end, "indirect", _cue_span(a, v),
                         _speaker_span(doc, a, cand.subject_i),
                         speaker_head=cand.subject_i, cue_head=v, score=score)
        if a.pos[v] in ("NOUN", "ADJ") or a.lemma[v] not in CUE_LEMMAS or \
                a.dep[v] in ("aux", "auxpass"):
            return None
        subj = subject_index(a, v)
        if subj is None:
            return None
        # a cue with no content of its own may introduce a quotation ("X said: ...")
        return Quote(-1, -1, "direct", _cue_span(a, v), _speaker_span(doc, a, subj),
                     speaker_head=subj, cue_head=v)

    def _according(self, according: Token) -> Quote | None:
        """"According to X, ..." / "..., according to X.": the rest of the sentence is the
        content; an appositive name right after the phrase ("According to the ambassador,
        Li Hui, ...") belongs to the speaker."""
        doc = according.doc
        to = doc[according.i + 1]
        pobj = next((c for c in list(to.children) + list(according.children)
                     if c.dep_ == "pobj"), None)
        if pobj is None:
            return None
        speaker = _speaker_tokens(pobj)
        phrase = {according.i, to.i} | {t.i for t in speaker}
        head = pobj
        j = max(phrase) + 1
        if j + 1 < len(doc) and doc[j].text == "," and doc[j + 1].ent_iob_ == "B" and \
                doc[j + 1].ent_type_ == "PERSON":
            k = j + 1
            while k + 1 < len(doc) and doc[k + 1].ent_iob_ == "I":
                k += 1
            if k + 1 < len(doc) and doc[k + 1].text == ",":
                speaker = [doc[i] for i in range(speaker[0].i, k + 1)]
                phrase |= set(range(j, k + 1))
                head = doc[k]
        sent = according.sent
        before = _trim_tokens([t for t in sent if t.i < according.i])
        after = _trim_tokens([t for t in sent if t.i > max(phrase)])
        fragments = [f for f in (before, after) if f]
        if not fragments:
            return None
        spans = [_char_span(f) for f in fragments]
        return Quote(spans[0][0], spans[-1][1], "indirect", _char_span([according, to]),
                     _char_span(speaker), spans=spans if len(spans) > 1 else [],
                     speaker_head=head.i, cue_head=according.i)

    # -- combining with quotation marks ----------------------------------------------------
    def __call__(self, doc: Doc) -> list[Quote]:
        text = doc_text(doc)
        marked = find_marked_quotes(text)
        parts = [part for mq in marked for part in mq.parts]
        candidates = self._cue_candidates(doc, parts)
        quotes = self._dash_attributions(doc, text) + self._transcript_turns(doc, text)
        consumed = {mi for mi, mq in enumerate(marked)
                    if any(q.start <= mq.start and mq.end <= q.end for q in quotes)}
        pending_cues: list[Quote] = []
        extents = [(mq.start, mq.end) for mq in marked]  # by start (find_marked_quotes)
        # reach[k]: the furthest end among the first k + 1 quotations
        reach = list(accumulate((end for _, end in extents), max))
        for cand in candidates:
            # (a cue inside a quotation belongs to the quoted speaker's words: those are
            # left out of the candidates)
            if cand.start < 0:
                pending_cues.append(cand)
                continue
            # a clause that runs into a quotation takes the whole quotation (those that
            # end before it starts are passed over)
            for mi in range(bisect_right(reach, cand.start), len(marked)):
                mq = marked[mi]
                mq_start, mq_end = extents[mi]
                if mq_start >= cand.end:
                    break  # neither this quotation nor any after it reaches the clause
                if mq_end <= cand.start:
                    continue
                overlapping = [(ps, pe) for ps, pe in mq.parts
                               if ps < cand.end and cand.start < pe]
                if not overlapping:
                    continue
                consumed.add(mi)
                if len(mq.parts) > 1 and any(ps <= cand.start and cand.end <= pe
                                             for ps, pe in mq.parts):
                    # the clause is one paragraph of a quotation running over several
                    cand.spans = list(mq.parts)
                    cand.start, cand.end = mq.start, mq.end
                    continue
                for ps, pe in overlapping:
                    cand.start, cand.end = min(cand.start, ps), max(cand.end, pe)
            quotes.append(cand)
        # direct quotes not covered by a clause: find their cue
        for mi, mq in enumerate(marked):
            if mi in consumed:
                continue
            q = self._attribute_marked(doc, text, mq, pending_cues, quotes)
            if q is not None:
                quotes.append(q)
        used = {q.cue_head for q in quotes}
        for cue in pending_cues:
            if cue.cue_head not in used:
                q = self._parenthetical(doc, cue, quotes)
                if q is not None:
                    # what the reported clause's own verbs took for quotes is its content
                    quotes = [x for x in quotes if not (
                        x.start < q.end and q.start < x.end and _cue_within(x, q.spans))]
                    quotes.append(q)
        quotes = _drop_doubtful_nested(_dedupe(quotes), self.scorer.nested_threshold)
        sums = _quoted_letters(text, marked)
        for q in quotes:
            q.kind = _kind(q, sums)
            if not q.spans:
                q.spans = [(q.start, q.end)]
        quotes += _headline(doc)
        quotes.sort(key=lambda q: (q.start, q.end))
        return quotes

    @staticmethod
    def _dash_attributions(doc: Doc, text: str) -> list[Quote]:
        """A paragraph that is a quotation signed with a dash and a name, the convention of
        epigraphs and reader or vox-pop quotes: "“...” ― Ann Lee"."""
        out: list[Quote] = []
        for m in _line_matches(_DASH_SIGNED, text):
            start, end = m.start("name"), m.end("name")
            end -= len(m.group("name")) - len(m.group("name").rstrip("."))
            name = doc.char_span(start, end, alignment_mode="expand")
            if name is None or not any(t.pos_ == "PROPN" for t in name):
                continue
            out.append(Quote(m.start("quote"), m.end("quote"), "direct",
                             (m.start("dash"), m.end("dash")), (start, end),
                             speaker_head=name.root.i))
        return out

    @staticmethod
    def _transcript_turns(doc: Doc, text: str) -> list[Quote]:
        """Transcript and interview paragraphs: "BLITZER: Senator, ..." / "Q: ..." / "A: ..."."""
        out: list[Quote] = []
        for m in _line_matches(_TRANSCRIPT, text):
            name = m.group("name")
            if name.lower() in _NOT_SPEAKERS or name.split()[0].lower() in _NOT_SPEAKERS:
                continue
            span = doc.char_span(m.start("name"), m.end("name"), alignment_mode="expand")
            if span is None or len(m.group("said").split()) < 4:
                continue  # "Rubio: Finish second." is a forecast, not a turn
            if not name.isupper() and not all(t.pos_ == "PROPN" for t in span):
                continue  # "The result: ..." is not a speaker
            if any(t.ent_type_ in ("GPE", "LOC", "DATE", "EVENT") for t in span):
                continue  # "Nevada: ..." heads a list
            out.append(Quote(m.start("said"), m.end("said"), "indirect",
                             (m.start("colon"), m.end("colon")), (span.start_char, span.end_char),
                             speaker_head=span.root.i))
        return out

    def _parenthetical(self, doc: Doc, cue: Quote, quotes: list[Quote]) -> Quote | None:
        """"Acts of protest, Mr. Obama said, are acts of patriotism." and "The test was its
        biggest, the agency said.": a speech verb with no complement of its own whose clause
        sits inside or at the edge of the sentence it attributes."""
        assert cue.cue_head is not None
        verb = doc[cue.cue_head]
        if verb.lemma_.lower() not in SPEECH or verb.dep_ not in ("ROOT", "parataxis"):
            return None
        sent = verb.sent
        lo, hi = _clause_of(verb)
        before = _trim_tokens([t for t in sent if t.i < lo])
        after = _trim_tokens([t for t in sent if t.i > hi])
        fragments = [f for f in (before, after) if f]
        if sum(len(f) for f in fragments) < 3:
            return None
        spans = [_char_span(f) for f in fragments]
        start, end = spans[0][0], spans[-1][1]
        # a quote already there overrules, unless its cue is part of what this one reports
        # ("The museum, Mr. Obama said, would *make* visitors face ...")
        if any(q.start < end and start < q.end and not _cue_within(q, spans) for q in quotes):
            return None
        return Quote(start, end, "indirect", cue.cue, cue.speaker, spans=spans,
                     speaker_head=cue.speaker_head, cue_head=cue.cue_head)

    def _attribute_marked(self, doc: Doc, text: str, mq: MarkedQuote, pending: list[Quote],
                          quotes: list[Quote]) -> Quote | None:
        words = len(text[mq.start:mq.end].split())
        parts = list(mq.parts)
        # 0. "“A,” he said. “B.”": the quotation goes on after its attribution, in the same
        #    paragraph; one quotation in several fragments
        earlier = [q for q in quotes if q.end <= mq.start and q.cue is not None]
        if earlier:
            last = max(earlier, key=lambda q: q.end)
            between = text[last.end:mq.start]
            assert last.cue is not None
            if last.end <= last.cue[0] < mq.start and "\n" not in between and \
                    _attribution_only(doc, text, last, mq):
                last.spans = (last.spans or [(last.start, last.end)]) + parts
                last.end = mq.end
                return None
        # 1. a content-less cue right after or right before the quote, in its sentence
        best: Quote | None = None
        best_gap = 10**9
        for cue in pending:
            assert cue.cue is not None
            cs, ce = cue.cue
            if cs >= mq.end:
                gap = cs - mq.end
            elif ce <= mq.start:
                gap = mq.start - ce
            else:
                continue
            if gap >= best_gap or gap > 80:
                continue  # (tested first: the rest reads the text and the parse)
            if cs >= mq.end:
                if _reports_own_sentence(doc, cue, mq):
                    continue  # "“...” Over the years, she said, email has helped ..."
                between = text[mq.end:cs]
            else:
                between = text[ce:mq.start]
            if "\n" not in between.strip() and _same_sentence(doc, cs, mq):
                best, best_gap = cue, gap
        if best is not None:
            # "“A,” he said, “B.”": one quotation in two fragments
            for q in quotes:
                if q.cue == best.cue and q.cue_head == best.cue_head and q.spans:
                    q.spans.extend(parts)
                    q.start, q.end = min(q.start, mq.start), max(q.end, mq.end)
                    return None
            lead = (_lead_in(doc, best, mq, quotes)
                    if best.cue is not None and best.cue[1] <= mq.start else None)
            if lead is not None:
                # "Judged by the polls, Stevens said, “it is like ...”": what precedes the
                # attribution in its sentence is the quotation's first part
                parts = [lead, *parts]
            return Quote(parts[0][0], mq.end, "direct", best.cue, best.speaker, spans=parts,
                         speaker_head=best.speaker_head, cue_head=best.cue_head)
        if words < self.min_floating_words:
            return None
        # 2. a cue anywhere in the sentence before, ending with a colon
        prev = [q for q in quotes if q.end <= mq.start and q.speaker]
        colon_before = text[:mq.start].rstrip().endswith(":")
        if colon_before:
            near = [c for c in pending if c.cue and c.cue[1] <= mq.start
                    and mq.start - c.cue[1] < 300]
            if near:
                c = near[-1]
                return Quote(mq.start, mq.end, "direct", c.cue, c.speaker, spans=parts,
                             speaker_head=c.speaker_head, cue_head=c.cue_head)
        # 3. a floating quote paragraph: the speaker of the previous quotation goes on
        para_start = text.rfind("\n", 0, mq.start) + 1
        if not text[para_start:mq.start].strip() and prev:
            last = max(prev, key=lambda q: q.end)
            if mq.start - last.end < 1500:
                return Quote(mq.start, mq.end, "direct", None, last.speaker, spans=parts,
                             speaker_head=last.speaker_head, actor=last.actor)
        return Quote(mq.start, mq.end, "direct", None, None, spans=parts)


def _headline(doc: Doc) -> list[Quote]:
    """The attributions of the headline handed over in ``doc.user_data`` (its tokens are
    not in the Doc: the quotes carry no token heads, and no actor until one is named)."""
    given = doc.user_data.get(HEADLINE_KEY)
    if not (isinstance(given, tuple) and len(given) == 2):
        return []
    offset, headline = given
    marked = find_marked_quotes(headline)
    sums = _quoted_letters(headline, marked)
    out = []
    for hq in headline_quotes(headline):
        q = Quote(hq.content[0], hq.content[1], "indirect", hq.cue, hq.speaker)
        q.kind = _kind(q, sums)
        out.append(Quote(offset + q.start, offset + q.end, q.kind,
                         (offset + hq.cue[0], offset + hq.cue[1]),
                         (offset + hq.speaker[0], offset + hq.speaker[1]),
                         spans=[(offset + q.start, offset + q.end)]))
    return out


def _clause_of(verb: Token) -> tuple[int, int]:
    """The first and last token of a speech verb's own clause ("Mr. Obama said", "the
    agency said on Monday"), without what it reports."""
    if verb.dep_ == "parataxis":
        clause = {t.i for t in verb.subtree}
    else:
        clause = {verb.i}
        for child in verb.children:
            if child.dep_ in ("nsubj", "aux", "neg", "advmod", "npadvmod", "prep", "prt",
                              "dative", "dobj") or (child.dep_ == "punct" and
                                                    abs(child.i - verb.i) <= 1):
                clause.update(t.i for t in child.subtree)
    return min(clause), max(clause)


def _reports_own_sentence(doc: Doc, cue: Quote, mq: MarkedQuote) -> bool:
    """Whether a cue after a quotation, in a later sentence, sits inside that sentence
    ("Over the years, she said, email has ...") and so attributes it, not the quotation."""
    if cue.cue_head is None:
        return False
    verb = doc[cue.cue_head]
    sent = verb.sent
    if sent.start_char < mq.end or verb.dep_ not in ("ROOT", "parataxis"):
        return False
    lo, _ = _clause_of(verb)
    return len(_trim_tokens(doc[sent.start:lo])) >= 3


def _lead_in(doc: Doc, cue: Quote, mq: MarkedQuote,
             quotes: list[Quote]) -> tuple[int, int] | None:
    """The text before a speech verb's clause in its sentence, when the quotation right
    after the clause goes on from it (three words at least, no quotation of its own)."""
    assert cue.cue_head is not None
    verb = doc[cue.cue_head]
    if verb.lemma_.lower() not in SPEECH or verb.dep_ not in ("ROOT", "parataxis"):
        return None
    lo, _ = _clause_of(verb)
    sent = verb.sent
    before = _trim_tokens(doc[sent.start:lo])
    if len(before) < 3 or any(t.is_quote for t in before):
        return None
    start, end = _char_span(before)
    if end > mq.start or any(q.start < end and start < q.end for q in quotes):
        return None
    return start, end


def _attribution_only(doc: Doc, text: str, last: Quote, mq: MarkedQuote) -> bool:
    """Whether only the attribution of ``last`` (its cue's sentence: "said Ann Lee, a
    lawyer who ...") stands between it and the quotation ``mq``."""
    if last.cue_head is None:
        return mq.start - last.end < 100
    sent = doc[last.cue_head].sent
    return mq.start <= sent.end_char or not text[sent.end_char:mq.start].strip()


def _cue_within(q: Quote, spans: list[tuple[int, int]]) -> bool:
    return q.cue is not None and q.cue_head is not None and any(
        s <= q.cue[0] and q.cue[1] <= e for s, e in spans)


class _PartIndex:
    """Whether a character span lies strictly inside one of the quotations' parts, by
    binary search: the parts starting before it, and the furthest any of them reaches."""

    def __init__(self, parts: list[tuple[int, int]]) -> None:
        ordered = sorted(parts)
        self.starts = [ps for ps, _ in ordered]
        self.reach = [-1]  # reach[k]: the furthest end among the first k parts
        for _, pe in ordered:
            self.reach.append(max(self.reach[-1], pe))

    def __call__(self, start: int, end: int) -> bool:
        k = bisect_left(self.starts, start)  # the parts with ps < start
        return end < self.reach[k]


def _same_sentence(doc: Doc, char: int, mq: MarkedQuote) -> bool:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    if span is None:
        return False
    sent = span[0].sent
    # the quote touches the cue's sentence, or the sentence right before/after it
    lo, hi = sent.start_char, sent.end_char
    if sent.start > 0:
        lo = doc[sent.start - 1].sent.start_char if char > mq.end else lo
    if sent.end < len(doc):
        hi = doc[sent.end].sent.end_char if char < mq.start else hi
    return mq.start < hi and lo < mq.end


def _dedupe(quotes: list[Quote]) -> list[Quote]:
    """One quotation per content span; and where one speaker's cue chain nests ("voted to
    support the plan": "voted" takes "to support the plan", "support" takes "the plan"),
    only the innermost attribution is kept."""
    out: list[Quote] = []
    seen: set[tuple[int, int]] = set()
    for q in sorted(quotes, key=lambda q: (q.start, -(q.end - q.start))):
        key = (q.start, q.end)
        if key in seen:
            continue
        seen.add(key)
        out.append(q)
    groups: dict[tuple[int, int], list[Quote]] = {}
    for q in out:
        if q.cue is not None and q.speaker_head is not None:
            groups.setdefault((q.end, q.speaker_head), []).append(q)
    nested: set[int] = set()
    for group in groups.values():
        for outer in group:
            for inner in group:
                if inner is not outer and outer.cue and inner.cue and \
                        outer.cue[1] <= inner.cue[0] < outer.cue[1] + 40 and \
                        outer.start <= inner.cue[0]:
                    nested.add(id(outer))
    return [q for q in out if id(q) not in nested]


def _cue_positions(a: TokenArrays) -> list[int]:
    """The tokens that may head a candidate (see :func:`verb_candidate`) or a content-less
    cue: verbs that are not auxiliaries, predicated adjectives and nouns, nouns with a
    possessor or of :data:`ATTRIBUTION_NOUNS`, and "according to". (Tested on the id
    columns whole: a loop over every token in Python costs more than the rest.)"""
    pos, dep, lower = a.pos_ids, a.dep_ids, a.lower_ids
    according = lower == _ACCORDING
    according[:-1] &= lower[1:] == _TO
    according[-1:] = False
    verbs = any_of(pos, _VERB_POS) & ~any_of(dep, _AUX_DEPS)
    nouns = pos == _NOUN
    possessed = np.zeros(a.n, dtype=bool)
    possessed[a.head_array[dep == _POSS]] = True
    chosen = according | verbs | (nouns & ((dep == _ATTR) | possessed)) | \
        ((pos == _ADJ) & (dep == _ACOMP))
    # the lexicon holds lower-cased lemmas: the few other nouns are looked up by name
    lemma = a.lemma
    for i in np.flatnonzero(nouns & ~chosen).tolist():
        if lemma[i] in ATTRIBUTION_NOUNS:
            chosen[i] = True
    out: list[int] = np.flatnonzero(chosen).tolist()
    return out


_VERB_POS, _AUX_DEPS = string_ids(("VERB", "AUX")), string_ids(("aux", "auxpass"))
_NOUN, _ADJ, _POSS, _ATTR, _ACOMP, _ACCORDING, _TO, _PRT = (
    get_string_id(w) for w in ("NOUN", "ADJ", "poss", "attr", "acomp", "according", "to", "prt"))


def _according_to(a: TokenArrays, i: int) -> bool:
    return a.lower[i] == "according" and i + 1 < a.n and a.lower[i + 1] == "to"


def _drop_doubtful_nested(quotes: list[Quote], threshold: float) -> list[Quote]:
    """A scored quote inside another speaker's quote ("X said [Y wants [to Z]]") needs
    ``threshold``, not the scorer's own: it is as often part of what the outer one says."""
    if threshold <= 0:
        return quotes
    out = []
    # by start: the quotes that may hold q are those starting at or before it
    spans = sorted(((o.start, o.end, o.speaker_head, o) for o in quotes), key=lambda x: x[0])
    starts = [x[0] for x in spans]
    for q in quotes:
        if q.score is not None and q.score < threshold:
            qs, qe, qh = q.start, q.end, q.speaker_head
            if any(qe <= oe and (os != qs or oe != qe) and oh != qh and o is not q
                   for os, oe, oh, o in spans[:bisect_right(starts, qs)]):
                continue
        out.append(q)
    return out


_ASCII_ALPHA = np.array([chr(c).isalpha() for c in range(128)] + [False])


def _quoted_letters(text: str, marked: list[MarkedQuote]) -> tuple[np.ndarray, np.ndarray]:
    """Prefix sums of letters and of letters inside quotation marks, for O(1) shares."""
    # str.isalpha of every character: by table for ASCII, by Python for the few others
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    alpha = _ASCII_ALPHA[np.minimum(codes, 128)]
    for i in np.flatnonzero(codes > 127).tolist():
        alpha[i] = text[i].isalpha()
    inside = np.zeros(len(text), dtype=bool)
    for mq in marked:
        for ps, pe in mq.parts:
            inside[ps:pe] = True
    letters = np.concatenate(([0], np.cumsum(alpha)))
    quoted = np.concatenate(([0], np.cumsum(alpha & inside)))
    return letters, quoted


def _kind(q: Quote, sums: tuple[np.ndarray, np.ndarray]) -> str:
    """direct/mixed/indirect by the share of the content's letters inside quotation marks,
    the same definition as PolNeAR's derived kinds (≥ 0.95 direct, 0 indirect)."""
    letters, quoted = sums
    total = inside = 0
    for s, e in q.spans or [(q.start, q.end)]:
        total += letters[e] - letters[s]
        inside += quoted[e] - quoted[s]
    if not total:
        return q.kind
    share = inside / total
    return "direct" if share >= 0.95 else "indirect" if share == 0 else "mixed"


def _register_extensions() -> None:
    if not Doc.has_extension("evenhand_quotes"):
        Doc.set_extension("evenhand_quotes", default=None)


@Language.factory(
    "evenhand_quotes",
    requires=["token.dep", "token.lemma", "token.pos", "doc.sents"],
    assigns=["doc._.evenhand_quotes", "doc.spans"],
    default_config={"min_floating_words": MIN_FLOATING_WORDS},
)
def make_quotes(nlp: Language, name: str, min_floating_words: int) -> QuotesComponent:
    return QuotesComponent(min_floating_words=min_floating_words)


class QuotesComponent:
    """spaCy component wrapper around :class:`QuoteFinder`."""

    def __init__(self, min_floating_words: int = MIN_FLOATING_WORDS) -> None:
        _register_extensions()
        self.finder = QuoteFinder(min_floating_words)

    def __call__(self, doc: Doc) -> Doc:
        quotes = self.finder(doc)
        # per-Doc scratch arrays of the cue scorer: not serialisable, not kept
        doc.user_data.pop(ARRAYS_KEY, None)
        for key in [k for k in doc.user_data
                    if isinstance(k, str) and k.startswith(PROJECTIONS_KEY)]:
            del doc.user_data[key]
        doc._.evenhand_quotes = quotes
        spans = []
        for q in quotes:
            span = doc.char_span(q.start, q.end, label=q.kind, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[SPANS_KEY] = spans
        return doc


_register_extensions()
