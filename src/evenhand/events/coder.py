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
    action: int | None = None  # the governed verb whose code this one derives from
    prefer_action_target: bool = False
    consumed: list[int] = field(default_factory=list)


# Tokens are token indices read on the Doc's token table (evenhand.pipeline._view, ``v``):
# the same attributes Token objects give, without making one per look.
_NOMINAL = ("NOUN", "PROPN", "PRON", "NUM", "X")


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
        return self._entry(_view(verb.doc), verb.i)

    def _entry(self, v: Any, i: int) -> VerbEntry | None:
        """The entry of token ``i``: "lemma particle", else the lemma."""
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
        doc = verb.doc
        return [doc[i] for i in EventCoder._objects(_view(doc), verb.i)]

    @staticmethod
    def _objects(v: Any, verb: int) -> list[int]:
        heads = [c for c in v.children(verb) if v.dep[c] in ("dobj", "nsubjpass")
                 and v.pos[c] in _NOMINAL]
        return [t for h in heads for t in (h, *v.conjuncts(h))]

    @staticmethod
    def _keys(v: Any, tok: int) -> list[str]:
        lemma = v.lemma[tok]
        keys = [lemma]
        mods = [c for c in v.lefts(tok) if v.dep[c] in ("compound", "amod")]
        if mods:
            keys.insert(0, f"{v.lemma[mods[-1]]} {lemma}")
        if lemma.endswith("s") and len(lemma) > 4:  # "talks", "arms" kept plural by spaCy
            keys.append(lemma[:-1])
        if mods and v.dep[mods[-1]] == "compound" and lemma in _HOLDER_NOUNS:
            keys.append(v.lemma[mods[-1]])  # "aid deliveries", "mediation effort"
        return keys

    def noun_code(self, tokens: Iterable[Token]) -> str | None:
        tokens = list(tokens)
        if not tokens:
            return None
        return self._noun_code(_view(tokens[0].doc), [t.i for t in tokens])

    def _noun_code(self, v: Any, tokens: Iterable[int]) -> str | None:
        for tok in tokens:
            code = self.dictionary.noun(*self._keys(v, tok))
            if code:
                return code
            if v.ent_type[tok] == "MONEY":  # "gave $3 million to ...": money is economic aid
                code = self.dictionary.noun("money")
                if code:
                    return code
            if v.pos[tok] in ("NOUN", "NUM"):  # "a new round of talks", "tons of aid"
                for prep in v.children(tok):
                    if v.dep[prep] == "prep" and v.lower[prep] == "of":
                        code = self._noun_code(v, (c for c in v.children(prep)
                                                   if v.dep[c] == "pobj"))
                        if code:
                            return code
        return None

    def _preps(self, v: Any, verb: int, objects: Sequence[int], word: str) -> list[int]:
        """Objects of preposition ``word`` on the verb or on its objects."""
        out: list[int] = []
        dep = v.dep
        for holder in (verb, *objects):
            for prep in v.children(holder):
                if dep[prep] in ("prep", "dative", "agent") and v.lower[prep] == word:
                    for g in v.children(prep):
                        # "called on Wednesday" is no "call on": dates are not objects
                        if dep[g] in ("pobj", "pcomp") and v.ent_type[g] not in ("DATE",
                                                                                "TIME"):
                            out.extend((g, *v.conjuncts(g)))
        return out

    def _object_keys(self, v: Any, objects: Sequence[int]) -> list[str]:
        """Keys of the objects and of their "of" complements ("a state of emergency")."""
        keys = [k for o in objects for k in self._keys(v, o)]
        for o in objects:
            for prep in v.children(o):
                if v.dep[prep] == "prep" and v.lower[prep] == "of":
                    keys += [k for g in v.children(prep) if v.dep[g] == "pobj"
                             for k in self._keys(v, g)]
        return keys

    def _matches(self, v: Any, p: Pattern, verb: int, objects: Sequence[int]) -> bool:
        if p.obj is not None and not (objects if "*" in p.obj else any(
                k in p.obj for k in self._object_keys(v, objects))):
            return False
        if p.prep is not None:
            pobjs = self._preps(v, verb, objects, p.prep)
            if not pobjs:
                return False
            if p.pobj is not None and not any(k in p.pobj for o in pobjs
                                              for k in self._keys(v, o)):
                return False
        if p.xcomp is not None and not any(v.dep[c] in ("xcomp", "ccomp") and
                                           v.lemma[c] in p.xcomp for c in v.children(verb)):
            return False
        if p.bare and any(v.dep[c] == "xcomp" for c in v.children(verb)):
            return False
        if p.subj is not None:
            subjects = self._subjects(v, verb)[0]
            if not any(k in p.subj for s in subjects for k in self._keys(v, s)):
                return False
        return p.subtree is None or any(v.lemma[t] in p.subtree for t in v.subtree(verb))

    def decide(self, verb: Token, depth: int = 0) -> _Decision | None:
        """The code of ``verb`` (None when it codes nothing), the target slots to use and
        the governed action it was derived from (a token index)."""
        return self._decide(_view(verb.doc), verb.i, depth)

    def _decide(self, v: Any, verb: int, depth: int = 0) -> _Decision | None:
        entry = self._entry(v, verb)
        if entry is None:
            return None
        objects = self._objects(v, verb)
        for p in entry.patterns:
            if not self._matches(v, p, verb, objects):
                continue
            reciprocal = entry.reciprocal if p.reciprocal is None else p.reciprocal
            if p.kind is not None:
                return self._kind(v, verb, p.kind, p.target or entry.target, reciprocal,
                                  objects, depth)
            if p.code is None:
                return None  # a blocking pattern: "met the deadline"
            consumed = [c for c in v.children(verb)
                        if p.xcomp and v.dep[c] in ("xcomp", "ccomp")]
            return _Decision(p.code, p.target or entry.target, reciprocal, consumed=consumed)
        if entry.kind is not None:
            return self._kind(v, verb, entry.kind, entry.target, entry.reciprocal, objects,
                              depth)
        if entry.light:
            code = self._noun_code(v, objects) or self._noun_code(
                v, self._preps(v, verb, (), "in"))
            if code:
                return _Decision(code, entry.target, entry.reciprocal)
        if entry.code is not None:
            return _Decision(entry.code, entry.target, entry.reciprocal)
        return None

    def _kind(self, v: Any, verb: int, kind: str, target: tuple[str, ...], reciprocal: bool,
              objects: Sequence[int], depth: int) -> _Decision:
        action = next((c for c in v.children(verb) if v.dep[c] in ("xcomp", "ccomp")
                       and v.pos[c] in ("VERB", "AUX")), None)
        action_code: str | None = None
        if action is not None and depth < 2:
            sub = self._decide(v, action, depth + 1)
            if sub is not None:
                action_code = sub.code
        if action_code is None:
            action_code = self._noun_code(v, objects) or self._noun_code(
                v, [*self._preps(v, verb, objects, "for"), *self._preps(v, verb, objects, "on")])
        code = self.dictionary.counterpart(kind, action_code)
        return _Decision(code, target, reciprocal, action=action,
                         prefer_action_target=kind in ("intent", "threaten", "refuse"),
                         consumed=[action] if action is not None else [])

    # -- who ----------------------------------------------------------------------------------
    # (A token's own head is never taken for a stop here: the checks this code grew from
    # compared new Token objects by identity, which never holds. A sentence root's dep is
    # "ROOT", which no branch below takes, so it ends there all the same.)
    def subjects(self, verb: Token, hops: int = 0) -> tuple[list[Token], bool]:
        """The source heads of ``verb`` (coordinated ones included) and whether the verb is
        passive (its grammatical subject is then the one acted on)."""
        doc = verb.doc
        heads, passive = self._subjects(_view(doc), verb.i, hops)
        return [doc[i] for i in heads], passive

    def _subjects(self, v: Any, verb: int, hops: int = 0) -> tuple[list[int], bool]:
        dep = v.dep
        children = v.children(verb)
        passive = any(dep[c] == "nsubjpass" for c in children)
        if passive:
            agents = [g for c in children if dep[c] == "agent"
                      for g in v.children(c) if dep[g] == "pobj"]
            return [t for a in agents for t in (a, *v.conjuncts(a))], True
        subj = next((c for c in children if dep[c] in ("nsubj", "csubj")), None)
        if subj is not None:
            if v.tag[subj] in ("WDT", "WP") and dep[verb] == "relcl":
                subj = v.head[verb]  # "Hamas, which attacked ...": the noun it describes
            return [subj, *v.conjuncts(subj)], False
        if hops >= 3:
            return [], False
        head = v.head[verb]
        vdep = dep[verb]
        if vdep == "xcomp":
            if v.lemma[head] in OBJECT_CONTROL:
                objs = [c for c in v.children(head) if dep[c] in ("dobj", "dative")]
                if objs:
                    return [objs[0], *v.conjuncts(objs[0])], False
            return self._subjects(v, head, hops + 1)[0], False
        if vdep in ("acomp", "attr"):
            return self._subjects(v, head, hops + 1)[0], False
        if vdep in ("conj", "advcl") and v.pos[head] in ("VERB", "AUX"):
            if vdep == "advcl" and not (v.tag[verb] in ("VBG", "VB") or any(
                    dep[c] == "aux" and v.lower[c] == "to" for c in children)):
                return [], False
            sub, sub_passive = self._subjects(v, head, hops + 1)
            return (sub, False) if not sub_passive else ([], False)
        if vdep == "relcl" and any(v.tag[c] in ("WDT", "WP") for c in children):
            return [head, *v.conjuncts(head)], False
        return [], False

    def _antecedent(self, v: Any, pron: int) -> int | None:
        """A pronoun's referent within its sentence: the subject of the clause that governs
        it ("Norway says *it* is ready to mediate")."""
        low = v.lower[pron]
        cursor = v.head[pron]
        for _ in range(4):
            if v.dep[cursor] not in ("ccomp", "conj", "advcl", "xcomp", "relcl"):
                return None
            cursor = v.head[cursor]
            subj = next((c for c in v.children(cursor) if v.dep[c] == "nsubj"), None)
            if subj is None or v.pos[subj] == "PRON":
                continue
            person = v.ent_type[subj] == "PERSON"
            if low in PERSON_PRONOUNS and not person:
                continue
            if low in GROUP_PRONOUNS and person and low in ("it", "its"):
                continue
            return subj
        return None

    def _refs(self, coder: ActorCoder, head: int, quote_actor: Any | None) -> list[ActorRef]:
        v = coder.view
        if v.pos[head] != "PRON" or head in coder.by_token:
            return coder.refs(head)
        low = v.lower[head]
        start, end = v.idx[head], v.end[head]
        text = v.tok_text(head)
        if low in SPEAKER_PRONOUNS and quote_actor is not None:
            code = coder._actor_code(quote_actor, head, None, [])
            return [ActorRef(text, code, quote_actor.id, start, end, True)]
        antecedent = self._antecedent(v, head) if low in PERSON_PRONOUNS | GROUP_PRONOUNS \
            else None
        if antecedent is None:
            return []
        return [ActorRef(text, ref.code, ref.actor, start, end, ref.named)
                for ref in coder.refs(antecedent)]

    # -- whether it happened ------------------------------------------------------------------
    def mode(self, verb: Token, hops: int = 0) -> str | None:
        return self._mode(_view(verb.doc), verb.i, hops)

    def _mode(self, v: Any, verb: int, hops: int = 0) -> str | None:
        dep, lower = v.dep, v.lower
        children = v.children(verb)
        aux = [c for c in children if dep[c] in ("aux", "auxpass", "neg", "advmod")]
        if any(dep[c] == "neg" or lower[c] in NEGATORS for c in aux):
            return "negated"
        marks = {lower[c] for c in children if dep[c] == "mark"}
        if any(lower[c] in HYPOTHETICAL_MODALS for c in aux) or marks & {"if", "unless",
                                                                        "whether"}:
            return "hypothetical"
        if any(lower[c] in INTENDED_MODALS for c in aux):
            return "intended"
        if hops >= 3:
            return None
        head = v.head[verb]
        lemma = v.lemma[head]
        vdep = dep[verb]
        if vdep == "xcomp":
            if lemma in NEGATING_GOVERNORS:
                return "negated"
            governed = self._mode(v, head, hops + 1)
            if governed == "negated":
                return "negated"
            if governed == _PURPOSE:
                return _PURPOSE
            if lemma in HYPOTHETICAL_GOVERNORS:
                return "hypothetical"
            if lemma in INTENT_GOVERNORS:
                return "intended"
            return governed
        if vdep == "ccomp" and lemma in DENYING:
            return "negated"
        if vdep == "advcl" and any(dep[c] == "aux" and lower[c] == "to" for c in children):
            return _PURPOSE  # "sent troops to help"
        if vdep == "acl" and lemma in ("plan", "intention", "bid", "effort", "decision",
                                       "attempt", "move", "readiness", "willingness"):
            return "intended"
        if vdep in ("acl", "ccomp") and v.pos[head] == "NOUN" and lemma in _WISHES:
            return "hypothetical"  # "its demand that the US ease sanctions"
        if vdep == "ccomp":  # "to help Mali fight": as planned as what governs it
            governed = self._mode(v, head, hops + 1)
            return _PURPOSE if governed in ("intended", _PURPOSE) else \
                governed if governed == "hypothetical" else None
        if vdep == "conj":
            return self._mode(v, head, hops + 1)
        return None

    # -- the Doc ------------------------------------------------------------------------------
    def code_doc(self, doc: Doc, actors: Iterable[Any] = (), quotes: Iterable[Any] = (),
                 keep_uncoded: bool = False) -> list[Event]:
        """The events of ``doc``. ``keep_uncoded``: also those where neither side is an
        actor evenhand can code or name ("a car bomb killed ..."), which a report leaves
        out but a sentence classifier can use."""
        from ..pipeline._view import C_DEP, C_POS

        actors = list(actors)
        coder = ActorCoder(doc, actors, self.kb, self._memo)
        v = coder.view
        by_id = {a.id: a for a in actors}
        spans = [(s, e, getattr(q, "actor", None)) for q in quotes
                 for s, e in (getattr(q, "spans", None) or [(q.start, q.end)])]
        # participles that describe a noun ("a convoy heading to the port", "the
        # roadblock set up in 2004") are background, not events the sentence reports
        maybe = (v.has(C_POS, ("VERB", "AUX")) & ~v.has(C_DEP, ("acl",))) | (
            v.has(C_POS, ("ADJ",)) & v.has(C_DEP, ("acomp",)))
        # Governors first (nearest the parse root, then text order), so that a verb
        # consumes the actions it governs before they are coded on their own.
        verbs = sorted((i for i in np.flatnonzero(maybe).tolist()
                        if self._entry(v, i) is not None), key=lambda i: (v.depth(i), i))
        consumed: set[int] = set()
        events: list[Event] = []
        verb_of: dict[int, int] = {}  # id(event) -> its verb
        seen: set[tuple[Any, ...]] = set()
        for verb in verbs:
            if verb in consumed:
                continue
            decision = self._decide(v, verb)
            if decision is None:
                continue
            consumed.update(decision.consumed)
            at = v.idx[verb]
            claimed = next((a for s, e, a in spans if s <= at < e), None)
            for event in self._events(v, verb, decision, coder, by_id.get(claimed or ""),
                                      keep_uncoded):
                event.claimed_by = claimed
                if event.mode is None and claimed is not None:
                    event.mode = "claimed"
                key = (event.trigger, event.code, _key(event.source), _key(event.target))
                if key not in seen:
                    seen.add(key)
                    events.append(event)
                    verb_of[id(event)] = verb
        events = _merge_repeats(v, events, verb_of)
        events.sort(key=lambda e: (e.trigger[0], e.start))
        return events

    def _events(self, v: Any, verb: int, decision: _Decision, coder: ActorCoder,
                quote_actor: Any | None, keep_uncoded: bool = False) -> list[Event]:
        heads, passive = self._subjects(v, verb)
        sources = [r for h in heads for r in self._refs(coder, h, quote_actor)]
        targets = self._targets(v, verb, decision, coder, quote_actor, passive)
        if not any(r.coded for r in targets):
            targets = self._nearest_target(v, verb, decision, coder, heads)
        if not any(r.coded for r in sources) and not any(r.coded for r in targets):
            if not keep_uncoded:
                return []
            sources, targets = [], []
        code = decision.code
        mode = self._mode(v, verb)
        if mode == _PURPOSE:  # intended, but not announced: no intent code
            mode = "intended"
        elif mode == "intended" and code[:2] not in _SPEECH_ROOTS:
            code = self.dictionary.counterpart("intent", code, default=code)
        elif mode == "negated" and "04" <= code[:2] <= "08" and _refusing(v, verb):
            # "will not lift the tariffs": a refusal expressed now, coded as CAMEO does (12x)
            code, mode = self.dictionary.counterpart("refuse", code), None
        who: list[ActorRef | None] = [r for r in sources if r.coded] or [None]
        whom: list[ActorRef | None] = [r for r in targets if r.coded] or [None]
        pairs: list[tuple[ActorRef | None, ActorRef | None]]
        if decision.reciprocal and whom == [None] and 2 <= len(who) <= _MAX_PAIR:
            pairs = [(a, b) for a in who for b in who if a is not b]
        else:
            pairs = [(s, t) for s in who for t in whom]
        trigger = _trigger(v, verb)
        s0, s1 = v.sent_bounds(verb)
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

    def _nearest_target(self, v: Any, verb: int, decision: _Decision, coder: ActorCoder,
                        sources: Sequence[int]) -> list[ActorRef]:
        """When no slot names a target: the first actor named in the verb's objects and
        prepositional phrases ("welcomed *Reagan's* statement", "a mission between
        *Syria* and ..."), as PETRARCH takes the first actor after the verb."""
        if decision.reciprocal:
            return []
        skip = {t for s in sources for t in v.subtree(s)}
        holders = [c for c in v.children(verb) if v.dep[c] in _TARGET_HOLDERS and c > verb]
        if decision.action is not None:
            holders += [c for c in v.children(decision.action)
                        if v.dep[c] in _TARGET_HOLDERS]
        dep, pos, ent_type = v.dep, v.pos, v.ent_type
        for holder in holders:
            for tok in v.subtree(holder):
                if tok in skip or ent_type[tok] in _NOT_TARGETS or pos[tok] not in (
                        "PROPN", "NOUN") or dep[tok] in ("compound", "npadvmod"):
                    continue
                if dep[tok] not in ("poss", "pobj", "dobj", "appos", "conj", "dative",
                                    "nsubjpass"):
                    continue
                # a named actor with a country (or an IGO), not "3,200 soldiers": the
                # verb's own object is often what is sent or given, not to whom
                refs = [r for r in coder.refs(tok) if r.code and not r.code.startswith("-")]
                if refs:
                    return [r for t in (tok, *v.conjuncts(tok)) for r in coder.refs(t)
                            if r.code and not r.code.startswith("-")]
        return []

    def _targets(self, v: Any, verb: int, decision: _Decision, coder: ActorCoder,
                 quote_actor: Any | None, passive: bool) -> list[ActorRef]:
        places: list[tuple[int, tuple[str, ...]]] = [(verb, decision.target)]
        if decision.action is not None:
            sub = self._decide(v, decision.action, 1)
            action_slots = sub.target if sub is not None else ("dobj", "with", "to")
            if decision.prefer_action_target:
                places.insert(0, (decision.action, action_slots))
            else:
                # "demanded that Chile free ...": the one asked is the clause's subject
                places.append((decision.action, ("nsubj",)))
                places.append((decision.action, action_slots))
        dep = v.dep
        for holder, slots in places:
            objects = self._objects(v, holder)
            for slot in slots:
                if slot == "dobj":
                    heads = [o for o in objects if not (passive and holder == verb
                                                        and dep[o] != "nsubjpass")]
                elif slot == "nsubj":
                    heads = [c for c in v.children(holder) if dep[c] == "nsubj"]
                    heads += [t for h in heads for t in v.conjuncts(h)]
                elif slot == "dative":
                    heads = [c for c in v.children(holder) if dep[c] == "dative" and
                             v.pos[c] in ("NOUN", "PROPN", "PRON")]
                    heads += [t for h in heads for t in v.conjuncts(h)]
                else:
                    heads = self._preps(v, holder, objects, slot)
                refs = [r for h in heads for r in self._refs(coder, h, quote_actor)]
                if any(r.coded for r in refs):
                    return refs
        return []


_TARGET_HOLDERS = frozenset({"dobj", "dative", "prep", "pobj", "nsubjpass", "attr", "oprd"})
_NOT_TARGETS = frozenset({"DATE", "TIME", "MONEY", "QUANTITY", "CARDINAL", "PERCENT",
                          "ORDINAL", "LOC", "FAC"})


def _merge_repeats(v: Any, events: list[Event], verb_of: dict[int, int]) -> list[Event]:
    """"China sent troops to take part in drills": one event, not one per verb. An event
    whose code and source repeat those of an event of a verb above it is folded into
    that one (which takes its target if it has none)."""
    out: list[Event] = []
    for event in events:
        above = set(v.ancestors(verb_of[id(event)]))
        parent = next((e for e in events if e is not event and e.code == event.code
                       and _key(e.source) == _key(event.source)
                       and verb_of[id(e)] in above), None)
        if parent is None:
            out.append(event)
        elif parent.target is None and event.target is not None:
            parent.target = event.target
            parent.end = max(parent.end, event.target.end)
    return out


def _refusing(v: Any, verb: int) -> bool:
    """A negated future ("will not", "won't"): a refusal rather than a non-event."""
    aux = {v.lower[c] for c in v.children(verb) if v.dep[c] in ("aux", "neg")}
    return bool(aux & INTENDED_MODALS) and bool(aux & NEGATORS)


def _trigger(v: Any, verb: int) -> tuple[int, int]:
    parts = [verb, *(c for c in v.children(verb) if v.dep[c] == "prt")]
    return min(v.idx[t] for t in parts), max(v.end[t] for t in parts)


def _view(doc: Doc) -> Any:
    # imported here: evenhand.pipeline imports this package (its events component)
    from ..pipeline._view import doc_view

    return doc_view(doc)


def _key(ref: ActorRef | None) -> tuple[Any, ...] | None:
    return None if ref is None else (ref.start, ref.end, ref.code)
