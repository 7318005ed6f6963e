"""The event coder: who did what to whom, sentence by sentence, on spaCy's parse.

For every verb whose lemma (or "lemma particle") is in the dictionary (``verbs.yaml``), the
coder decides a CAMEO code — the first matching pattern, else the code of the action the
verb governs for the *kinds* ("agreed to meet" → 036, "threatened sanctions" → 1312), else
the code of the object noun for *light* verbs ("held talks" → 046), else the verb's own code
— then finds the source (the subject; the "by" phrase of a passive; a subject shared with
the verb it depends on), the target (the slots the entry names: object, dative, a
preposition's object) and expands coordinated actors into one event each ("Russia and
China denied" → two events). A *reciprocal* verb with a coordinated subject and no target
("Xi and Putin met") gives one event per ordered pair.

**Mode** (what the text says about whether it happened), strongest first:

* ``negated``: "did not attack", "failed to meet", or inside what is denied ("denied that
  its troops attacked"): the denial itself is coded as such (016), the denied act only
  with this mode;
* ``hypothetical``: "could escalate", "might attack", "if they attack", "have to retaliate";
* ``intended``: "will meet", "plans to send troops", "is ready to mediate": coded, as
  CAMEO does, as the intent to act (036 "intent to meet", 0312, 138 "threaten force" …);
* ``claimed``: inside a quote, not the reporter's own statement; ``claimed_by`` is the
  speaker's actor id (set for any mode);
* null: reported as having happened.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from spacy.tokens import Doc, Token

from ..kb import KnowledgeBase
from .actors import GROUP_PRONOUNS, PERSON_PRONOUNS, SPEAKER_PRONOUNS, ActorCoder, ActorRef
from .dictionary import EventDictionary, Pattern, VerbEntry

__all__ = ["Event", "EventCoder"]

HYPOTHETICAL_MODALS = frozenset({"could", "might", "may", "should", "must", "can", "ought"})
INTENDED_MODALS = frozenset({"will", "would", "shall", "'ll", "wo", "’ll"})
NEGATORS = frozenset({"not", "n't", "never", "no", "’t"})
# verbs and adjectives whose "to"-complement is planned or wished for, not done
INTENT_GOVERNORS = frozenset({
    "plan", "intend", "aim", "seek", "want", "hope", "wish", "prepare", "expect", "try",
    "attempt", "mean", "decide", "set", "poise", "schedule", "go", "ready", "willing",
    "prepared", "eager", "determined", "keen", "resolve", "look", "move", "scramble",
    "strive", "endeavour", "endeavor", "struggle", "due", "bid", "push",
})
HYPOTHETICAL_GOVERNORS = frozenset({"have", "need", "able", "likely", "possible", "unable",
                                     "unlikely", "consider", "ought"})
NEGATING_GOVERNORS = frozenset({"fail", "avoid", "refrain", "cease", "neglect", "hesitate"})
DENYING = frozenset({"deny", "dismiss", "reject", "refute", "rebut"})
# "urged Iran to talk": the one urged is who would talk
OBJECT_CONTROL = frozenset({"urge", "ask", "order", "force", "persuade", "tell", "invite",
                            "encourage", "allow", "help", "call", "press", "request",
                            "permit", "authorize", "authorise", "instruct", "compel",
                            "pressure", "convince", "enable", "lead", "push"})
# nouns that take their event from a compound ("mediation effort", "aid delivery")
_HOLDER_NOUNS = frozenset({"effort", "mission", "delivery", "program", "programme", "campaign",
                           "package", "initiative", "process", "activity", "operation",
                           "shipment", "flight", "convoy", "measure", "action", "plan",
                           "agreement", "deal", "talk", "meeting", "project", "scheme"})
# nouns whose clause is asked for or feared, not done
_WISHES = frozenset({"demand", "call", "appeal", "request", "plea", "proposal", "suggestion",
                     "idea", "threat", "warning", "hope", "wish", "fear", "concern", "claim",
                     "allegation", "accusation", "possibility", "prospect", "risk", "chance"})
# codes that already are statements about acts (intent, appeals, demands, refusals,
# threats, comments): "will demand" is not turned into an intent to demand
_SPEECH_ROOTS = frozenset({"01", "02", "03", "10", "11", "12", "13"})
_PURPOSE = "purpose"  # mode() only: an aim ("to help"), reported as "intended", not recoded
_MAX_PAIR = 4  # a reciprocal event among more actors than this is not spelled out


@dataclass
class Event:
    """One coded event. Offsets are character offsets into the Doc's text."""

    start: int
    end: int
    trigger: tuple[int, int]
    code: str
    source: ActorRef | None
    target: ActorRef | None
    mode: str | None = None
    claimed_by: str | None = None
    sentence: tuple[int, int] = (0, 0)


@dataclass
class _Decision:
    code: str
    target: tuple[str, ...]
    reciprocal: bool
    action: Token | None = None  # the governed verb whose code this one derives from
    prefer_action_target: bool = False
    consumed: list[int] = field(default_factory=list)


class EventCoder:
    """Codes the events of Docs with a dictionary and the knowledge base."""

    def __init__(self, dictionary: EventDictionary, kb: KnowledgeBase) -> None:
        self.dictionary = dictionary
        self.kb = kb
        self._memo: dict[tuple[str, str], Any] = {}
        # what a phrasal entry's verb may be: every key's part before one of its spaces
        self._phrasal = frozenset(key[:j] for key in dictionary.verbs
                                  for j, ch in enumerate(key) if ch == " ")

    # -- the dictionary, on the parse ---------------------------------------------------------
    def entry(self, verb: Token) -> VerbEntry | None:
        return self._entry_at(_view(verb.doc), verb.i)

    def _entry_at(self, v: Any, i: int) -> VerbEntry | None:
        """The entry of token ``i`` (on the Doc's token table): "lemma particle", else the
        lemma."""
        verbs = self.dictionary.verbs
        lemma = v.lemma[i]
        if lemma in self._phrasal:
            for c in v.children(i):
                if v.dep[c] == "prt":
                    phrasal = verbs.get(f"{lemma} {v.lower[c]}")
                    if phrasal is not None:
                        return phrasal
        return verbs.get(lemma)

    @staticmethod
    def objects(verb: Token) -> list[Token]:
        heads = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")
                 and c.pos_ in ("NOUN", "PROPN", "PRON", "NUM", "X")]
        return [t for h in heads for t in (h, *h.conjuncts)]

    @staticmethod
    def _keys(tok: Token) -> list[str]:
        lemma = tok.lemma_.lower()
        keys = [lemma]
        mods = [c for c in tok.lefts if c.dep_ in ("compound", "amod")]
        if mods:
            keys.insert(0, f"{mods[-1].lemma_.lower()} {lemma}")
        if lemma.endswith("s") and len(lemma) > 4:  # "talks", "arms" kept plural by spaCy
            keys.append(lemma[:-1])
        if mods and mods[-1].dep_ == "compound" and lemma in _HOLDER_NOUNS:
            keys.append(mods[-1].lemma_.lower())  # "aid deliveries", "mediation effort"
        return keys

    def noun_code(self, tokens: Iterable[Token]) -> str | None:
        for tok in tokens:
            code = self.dictionary.noun(*self._keys(tok))
            if code:
                return code
            if tok.ent_type_ == "MONEY":  # "gave $3 million to ...": money is economic aid
                code = self.dictionary.noun("money")
                if code:
                    return code
            if tok.pos_ in ("NOUN", "NUM"):  # "a new round of talks", "tons of aid"
                for prep in tok.children:
                    if prep.dep_ == "prep" and prep.lower_ == "of":
                        code = self.noun_code(c for c in prep.children if c.dep_ == "pobj")
                        if code:
                            return code
        return None

    def _preps(self, verb: Token, objects: Sequence[Token], word: str) -> list[Token]:
        """Objects of preposition ``word`` on the verb or on its objects."""
        out: list[Token] = []
        for holder in (verb, *objects):
            for prep in holder.children:
                if prep.dep_ in ("prep", "dative", "agent") and prep.lower_ == word:
                    for g in prep.children:
                        # "called on Wednesday" is no "call on": dates are not objects
                        if g.dep_ in ("pobj", "pcomp") and g.ent_type_ not in ("DATE", "TIME"):
                            out.extend((g, *g.conjuncts))
        return out

    def _object_keys(self, objects: Sequence[Token]) -> list[str]:
        """Keys of the objects and of their "of" complements ("a state of emergency")."""
        keys = [k for o in objects for k in self._keys(o)]
        for o in objects:
            for prep in o.children:
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    keys += [k for g in prep.children if g.dep_ == "pobj"
                             for k in self._keys(g)]
        return keys

    def _matches(self, p: Pattern, verb: Token, objects: Sequence[Token]) -> bool:
        if p.obj is not None and not (objects if "*" in p.obj else any(
                k in p.obj for k in self._object_keys(objects))):
            return False
        if p.prep is not None:
            pobjs = self._preps(verb, objects, p.prep)
            if not pobjs:
                return False
            if p.pobj is not None and not any(k in p.pobj for o in pobjs
                                              for k in self._keys(o)):
                return False
        if p.xcomp is not None and not any(c.dep_ in ("xcomp", "ccomp") and
                                           c.lemma_.lower() in p.xcomp for c in verb.children):
            return False
        if p.bare and any(c.dep_ == "xcomp" for c in verb.children):
            return False
        if p.subj is not None:
            subjects = self.subjects(verb)[0]
            if not any(k in p.subj for s in subjects for k in self._keys(s)):
                return False
        return p.subtree is None or any(t.lemma_.lower() in p.subtree for t in verb.subtree)

    def decide(self, verb: Token, depth: int = 0) -> _Decision | None:
        """The code of ``verb`` (None when it codes nothing), the target slots to use and
        the governed action it was derived from."""
        entry = self.entry(verb)
        if entry is None:
            return None
        objects = self.objects(verb)
        for p in entry.patterns:
            if not self._matches(p, verb, objects):
                continue
            reciprocal = entry.reciprocal if p.reciprocal is None else p.reciprocal
            if p.kind is not None:
                return self._kind(verb, p.kind, p.target or entry.target, reciprocal,
                                  objects, depth)
            if p.code is None:
                return None  # a blocking pattern: "met the deadline"
            consumed = [c.i for c in verb.children if p.xcomp and c.dep_ in ("xcomp", "ccomp")]
            return _Decision(p.code, p.target or entry.target, reciprocal, consumed=consumed)
        if entry.kind is not None:
            return self._kind(verb, entry.kind, entry.target, entry.reciprocal, objects, depth)
        if entry.light:
            code = self.noun_code(objects) or self.noun_code(self._preps(verb, (), "in"))
            if code:
                return _Decision(code, entry.target, entry.reciprocal)
        if entry.code is not None:
            return _Decision(entry.code, entry.target, entry.reciprocal)
        return None

    def _kind(self, verb: Token, kind: str, target: tuple[str, ...], reciprocal: bool,
              objects: Sequence[Token], depth: int) -> _Decision:
        action = next((c for c in verb.children if c.dep_ in ("xcomp", "ccomp")
                       and c.pos_ in ("VERB", "AUX")), None)
        action_code: str | None = None
        if action is not None and depth < 2:
            sub = self.decide(action, depth + 1)
            if sub is not None:
                action_code = sub.code
        if action_code is None:
            action_code = self.noun_code(objects) or self.noun_code(
                [*self._preps(verb, objects, "for"), *self._preps(verb, objects, "on")])
        code = self.dictionary.counterpart(kind, action_code)
        return _Decision(code, target, reciprocal, action=action,
                         prefer_action_target=kind in ("intent", "threaten", "refuse"),
                         consumed=[action.i] if action is not None else [])

    # -- who ----------------------------------------------------------------------------------
    def subjects(self, verb: Token, hops: int = 0) -> tuple[list[Token], bool]:
        """The source heads of ``verb`` (coordinated ones included) and whether the verb is
        passive (its grammatical subject is then the one acted on)."""
        passive = any(c.dep_ == "nsubjpass" for c in verb.children)
        if passive:
            agents = [g for c in verb.children if c.dep_ == "agent"
                      for g in c.children if g.dep_ == "pobj"]
            return [t for a in agents for t in (a, *a.conjuncts)], True
        subj = next((c for c in verb.children if c.dep_ in ("nsubj", "csubj")), None)
        if subj is not None:
            if subj.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
                subj = verb.head  # "Hamas, which attacked ...": the noun it describes
            return [subj, *subj.conjuncts], False
        if hops >= 3 or verb.head is verb:
            return [], False
        head = verb.head
        if verb.dep_ == "xcomp":
            if head.lemma_.lower() in OBJECT_CONTROL:
                objs = [c for c in head.children if c.dep_ in ("dobj", "dative")]
                if objs:
                    return [objs[0], *objs[0].conjuncts], False
            return self.subjects(head, hops + 1)[0], False
        if verb.dep_ in ("acomp", "attr"):
            return self.subjects(head, hops + 1)[0], False
        if verb.dep_ in ("conj", "advcl") and head.pos_ in ("VERB", "AUX"):
            if verb.dep_ == "advcl" and not (verb.tag_ in ("VBG", "VB") or any(
                    c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)):
                return [], False
            sub, sub_passive = self.subjects(head, hops + 1)
            return (sub, False) if not sub_passive else ([], False)
        if verb.dep_ == "relcl" and any(c.tag_ in ("WDT", "WP") for c in verb.children):
            return [head, *head.conjuncts], False
        return [], False

    def _antecedent(self, pron: Token) -> Token | None:
        """A pronoun's referent within its sentence: the subject of the clause that governs
        it ("Norway says *it* is ready to mediate")."""
        low = pron.lower_
        cursor = pron.head
        for _ in range(4):
            if cursor.head is cursor:
                return None
            if cursor.dep_ not in ("ccomp", "conj", "advcl", "xcomp", "relcl"):
                return None
            cursor = cursor.head
            subj = next((c for c in cursor.children if c.dep_ == "nsubj"), None)
            if subj is None or subj.pos_ == "PRON":
                continue
            person = subj.ent_type_ == "PERSON"
            if low in PERSON_PRONOUNS and not person:
                continue
            if low in GROUP_PRONOUNS and person and low in ("it", "its"):
                continue
            return subj
        return None

    def _refs(self, coder: ActorCoder, head: Token, quote_actor: Any | None) -> list[ActorRef]:
        if head.pos_ != "PRON" or head.i in coder.by_token:
            return coder.refs(head)
        low = head.lower_
        start, end = head.idx, head.idx + len(head.text)
        if low in SPEAKER_PRONOUNS and quote_actor is not None:
            code = coder._actor_code(quote_actor, head, None, [])
            return [ActorRef(head.text, code, quote_actor.id, start, end, True)]
        antecedent = self._antecedent(head) if low in PERSON_PRONOUNS | GROUP_PRONOUNS \
            else None
        if antecedent is None:
            return []
        return [ActorRef(head.text, ref.code, ref.actor, start, end, ref.named)
                for ref in coder.refs(antecedent)]

    # -- whether it happened ------------------------------------------------------------------
    def mode(self, verb: Token, hops: int = 0) -> str | None:
        aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass", "neg", "advmod")]
        if any(c.dep_ == "neg" or c.lower_ in NEGATORS for c in aux):
            return "negated"
        marks = {c.lower_ for c in verb.children if c.dep_ == "mark"}
        if any(c.lower_ in HYPOTHETICAL_MODALS for c in aux) or marks & {"if", "unless",
                                                                        "whether"}:
            return "hypothetical"
        if any(c.lower_ in INTENDED_MODALS for c in aux):
            return "intended"
        if hops >= 3 or verb.head is verb:
            return None
        head = verb.head
        lemma = head.lemma_.lower()
        if verb.dep_ == "xcomp":
            if lemma in NEGATING_GOVERNORS:
                return "negated"
            governed = self.mode(head, hops + 1)
            if governed == "negated":
                return "negated"
            if governed == _PURPOSE:
                return _PURPOSE
            if lemma in HYPOTHETICAL_GOVERNORS:
                return "hypothetical"
            if lemma in INTENT_GOVERNORS:
                return "intended"
            return governed
        if verb.dep_ == "ccomp" and lemma in DENYING:
            return "negated"
        if verb.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to"
                                        for c in verb.children):
            return _PURPOSE  # "sent troops to help"
        if verb.dep_ == "acl" and lemma in ("plan", "intention", "bid", "effort", "decision",
                                             "attempt", "move", "readiness", "willingness"):
            return "intended"
        if verb.dep_ in ("acl", "ccomp") and head.pos_ == "NOUN" and lemma in _WISHES:
            return "hypothetical"  # "its demand that the US ease sanctions"
        if verb.dep_ == "ccomp":  # "to help Mali fight": as planned as what governs it
            governed = self.mode(head, hops + 1)
            return _PURPOSE if governed in ("intended", _PURPOSE) else \
                governed if governed == "hypothetical" else None
        if verb.dep_ == "conj":
            return self.mode(head, hops + 1)
        return None

    # -- the Doc ------------------------------------------------------------------------------
    def code_doc(self, doc: Doc, actors: Iterable[Any] = (), quotes: Iterable[Any] = (),
                 keep_uncoded: bool = False) -> list[Event]:
        """The events of ``doc``. ``keep_uncoded``: also those where neither side is an
        actor evenhand can code or name ("a car bomb killed ..."), which a report leaves
        out but a sentence classifier can use."""
        actors = list(actors)
        coder = ActorCoder(doc, actors, self.kb, self._memo)
        by_id = {a.id: a for a in actors}
        spans = [(s, e, getattr(q, "actor", None)) for q in quotes
                 for s, e in (getattr(q, "spans", None) or [(q.start, q.end)])]
        # participles that describe a noun ("a convoy heading to the port", "the
        # roadblock set up in 2004") are background, not events the sentence reports
        from ..pipeline._view import C_DEP, C_POS

        v = _view(doc)
        maybe = (v.has(C_POS, ("VERB", "AUX")) & ~v.has(C_DEP, ("acl",))) | (
            v.has(C_POS, ("ADJ",)) & v.has(C_DEP, ("acomp",)))
        # In text order. (Meant as governors first, so that they consume the actions they
        # govern; but the depth key compared Token objects by identity, which never holds,
        # and came out 50 for every token: text order is what the coder has always used.)
        verbs = [doc[i] for i in np.flatnonzero(maybe).tolist()
                 if self._entry_at(v, i) is not None]
        consumed: set[int] = set()
        events: list[Event] = []
        verb_of: dict[int, Token] = {}  # id(event) -> its verb
        seen: set[tuple[Any, ...]] = set()
        for verb in verbs:
            if verb.i in consumed:
                continue
            decision = self.decide(verb)
            if decision is None:
                continue
            consumed.update(decision.consumed)
            claimed = next((a for s, e, a in spans if s <= verb.idx < e), None)
            for event in self._events(verb, decision, coder, by_id.get(claimed or ""),
                                      keep_uncoded):
                event.claimed_by = claimed
                if event.mode is None and claimed is not None:
                    event.mode = "claimed"
                key = (event.trigger, event.code, _key(event.source), _key(event.target))
                if key not in seen:
                    seen.add(key)
                    events.append(event)
                    verb_of[id(event)] = verb
        events = _merge_repeats(events, verb_of)
        events.sort(key=lambda e: (e.trigger[0], e.start))
        return events

    def _events(self, verb: Token, decision: _Decision, coder: ActorCoder,
                quote_actor: Any | None, keep_uncoded: bool = False) -> list[Event]:
        heads, passive = self.subjects(verb)
        sources = [r for h in heads for r in self._refs(coder, h, quote_actor)]
        targets = self._targets(verb, decision, coder, quote_actor, passive)
        if not any(r.coded for r in targets):
            targets = self._nearest_target(verb, decision, coder, heads)
        if not any(r.coded for r in sources) and not any(r.coded for r in targets):
            if not keep_uncoded:
                return []
            sources, targets = [], []
        code = decision.code
        mode = self.mode(verb)
        if mode == _PURPOSE:  # intended, but not announced: no intent code
            mode = "intended"
        elif mode == "intended" and code[:2] not in _SPEECH_ROOTS:
            code = self.dictionary.counterpart("intent", code, default=code)
        elif mode == "negated" and "04" <= code[:2] <= "08" and _refusing(verb):
            # "will not lift the tariffs": a refusal expressed now, coded as CAMEO does (12x)
            code, mode = self.dictionary.counterpart("refuse", code), None
        who: list[ActorRef | None] = [r for r in sources if r.coded] or [None]
        whom: list[ActorRef | None] = [r for r in targets if r.coded] or [None]
        pairs: list[tuple[ActorRef | None, ActorRef | None]]
        if decision.reciprocal and whom == [None] and 2 <= len(who) <= _MAX_PAIR:
            pairs = [(a, b) for a in who for b in who if a is not b]
        else:
            pairs = [(s, t) for s in who for t in whom]
        trigger = _trigger(verb)
        v = _view(verb.doc)
        s0, s1 = v.sent_bounds(verb.i)
        sent_start, sent_end = v.idx[s0], v.end[s1 - 1]
        out = []
        for source, target in pairs:
            if source is not None and target is not None and source.start == target.start:
                continue
            edges = [trigger, *((r.start, r.end) for r in (source, target) if r is not None
                                and sent_start <= r.start < sent_end)]
            out.append(Event(start=min(s for s, _ in edges), end=max(e for _, e in edges),
                             trigger=trigger, code=code, source=source, target=target,
                             mode=mode, sentence=(sent_start, sent_end)))
        return out

    def _nearest_target(self, verb: Token, decision: _Decision, coder: ActorCoder,
                        sources: Sequence[Token]) -> list[ActorRef]:
        """When no slot names a target: the first actor named in the verb's objects and
        prepositional phrases ("welcomed *Reagan's* statement", "a mission between
        *Syria* and ..."), as PETRARCH takes the first actor after the verb."""
        if decision.reciprocal:
            return []
        skip = {t.i for s in sources for t in s.subtree}
        holders = [c for c in verb.children if c.dep_ in _TARGET_HOLDERS and c.i > verb.i]
        if decision.action is not None:
            holders += [c for c in decision.action.children if c.dep_ in _TARGET_HOLDERS]
        for holder in holders:
            for tok in holder.subtree:
                if tok.i in skip or tok.ent_type_ in _NOT_TARGETS or tok.pos_ not in (
                        "PROPN", "NOUN") or tok.dep_ in ("compound", "npadvmod"):
                    continue
                if tok.dep_ not in ("poss", "pobj", "dobj", "appos", "conj", "dative",
                                    "nsubjpass"):
                    continue
                # a named actor with a country (or an IGO), not "3,200 soldiers": the
                # verb's own object is often what is sent or given, not to whom
                refs = [r for r in coder.refs(tok) if r.code and not r.code.startswith("-")]
                if refs:
                    return [r for t in (tok, *tok.conjuncts) for r in coder.refs(t)
                            if r.code and not r.code.startswith("-")]
        return []

    def _targets(self, verb: Token, decision: _Decision, coder: ActorCoder,
                 quote_actor: Any | None, passive: bool) -> list[ActorRef]:
        places: list[tuple[Token, tuple[str, ...]]] = [(verb, decision.target)]
        if decision.action is not None:
            sub = self.decide(decision.action, 1)
            action_slots = sub.target if sub is not None else ("dobj", "with", "to")
            if decision.prefer_action_target:
                places.insert(0, (decision.action, action_slots))
            else:
                # "demanded that Chile free ...": the one asked is the clause's subject
                places.append((decision.action, ("nsubj",)))
                places.append((decision.action, action_slots))
        for holder, slots in places:
            objects = self.objects(holder)
            for slot in slots:
                if slot == "dobj":
                    heads = [o for o in objects if not (passive and holder is verb
                                                        and o.dep_ != "nsubjpass")]
                elif slot == "nsubj":
                    heads = [c for c in holder.children if c.dep_ == "nsubj"]
                    heads += [t for h in heads for t in h.conjuncts]
                elif slot == "dative":
                    heads = [c for c in holder.children if c.dep_ == "dative" and
                             c.pos_ in ("NOUN", "PROPN", "PRON")]
                    heads += [t for h in heads for t in h.conjuncts]
                else:
                    heads = self._preps(holder, objects, slot)
                refs = [r for h in heads for r in self._refs(coder, h, quote_actor)]
                if any(r.coded for r in refs):
                    return refs
        return []


_TARGET_HOLDERS = frozenset({"dobj", "dative", "prep", "pobj", "nsubjpass", "attr", "oprd"})
_NOT_TARGETS = frozenset({"DATE", "TIME", "MONEY", "QUANTITY", "CARDINAL", "PERCENT",
                          "ORDINAL", "LOC", "FAC"})


def _merge_repeats(events: list[Event], verb_of: dict[int, Token]) -> list[Event]:
    """"China sent troops to take part in drills": one event, not one per verb. An event
    whose code and source repeat those of an event of a verb above it is folded into
    that one (which takes its target if it has none)."""
    out: list[Event] = []
    for event in events:
        verb = verb_of[id(event)]
        above = {a.i for a in verb.ancestors}
        parent = next((e for e in events if e is not event and e.code == event.code
                       and _key(e.source) == _key(event.source)
                       and verb_of[id(e)].i in above), None)
        if parent is None:
            out.append(event)
        elif parent.target is None and event.target is not None:
            parent.target = event.target
            parent.end = max(parent.end, event.target.end)
    return out


def _refusing(verb: Token) -> bool:
    """A negated future ("will not", "won't"): a refusal rather than a non-event."""
    aux = {c.lower_ for c in verb.children if c.dep_ in ("aux", "neg")}
    return bool(aux & INTENDED_MODALS) and bool(aux & NEGATORS)


def _trigger(verb: Token) -> tuple[int, int]:
    parts = [verb, *(c for c in verb.children if c.dep_ == "prt")]
    return min(t.idx for t in parts), max(t.idx + len(t.text) for t in parts)


def _view(doc: Doc) -> Any:
    # imported here: evenhand.pipeline imports this package (its events component)
    from ..pipeline._view import doc_view

    return doc_view(doc)


def _key(ref: ActorRef | None) -> tuple[Any, ...] | None:
    return None if ref is None else (ref.start, ref.end, ref.code)
