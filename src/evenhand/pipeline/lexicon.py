"""Attribution cues: the verbs and phrases that introduce what someone said, wrote or holds.

Compiled by the evenhand team from general English usage in news writing. Coverage was
checked against the attribution cues of PolNeAR *train* (research data, not shipped): no
text from it is included here, only common English verbs. Lemmas, lower case.
"""

from __future__ import annotations


def word_set(block: str) -> frozenset[str]:
    """A word list written as a block of whitespace-separated words."""
    return frozenset(block.split())


# Verbs of saying and reporting: take a clausal complement ("X said (that) ...") or a direct
# quote, and, for many, a content object ("X announced the plan").
SPEECH = word_set("""
say tell add state announce declare report explain note remark comment write tweet post
reply respond answer ask argue claim contend maintain insist assert allege suggest warn
caution predict promise pledge vow threaten admit acknowledge concede confess deny confirm
reveal disclose indicate emphasize emphasise stress underline underscore highlight flag
reiterate repeat recall describe urge demand propose recommend advise agree disagree
complain criticize criticise accuse blame praise welcome condemn decry lament boast brag joke
quip muse mention observe testify inform assure reassure counter retort rebut dispute
question wonder speculate estimate forecast project conclude proclaim signal hint imply
recount clarify specify shout scream yell whisper cry chant email text publish notify brief
remind charge contest concur protest object swear attest certify guarantee vouch predict
posit theorize theorise hypothesize surmise opine editorialize editorialise stipulate
announce broadcast air relay convey echo reaffirm affirm aver avow profess assert
tout trumpet hail laud applaud celebrate commend thank credit slam blast attack bash
lambaste rip knock chide scold rebuke reprimand denounce deplore disparage mock ridicule
dismiss reject refute repudiate downplay play_down acknowledge recognise recognize
""")

# Verbs of knowing, believing and finding: PolNeAR-style attribution counts beliefs and
# findings of documents ("the report found that ...", "he believes ...").
COGNITION = word_set("""
believe think feel know expect hope fear worry doubt suspect assume figure reckon consider
guess understand realize realise learn hear find show determine discover conclude calculate
estimate anticipate imagine envision envisage suppose presume judge deem view regard sense
""")

# Verbs of intention and stance that PolNeAR-style annotation attributes ("X wants to ...").
INTENT = word_set("""
want plan intend seek aim decide refuse decline offer threaten promise pledge vow vote
propose demand urge call support oppose favor favour back endorse reject
""")

# Cognition verbs are attribution cues only with a clausal complement, never with a bare
# object ("he knows Moscow").
CLAUSAL_ONLY = COGNITION

# Verbs whose direct object can itself be the attributed content ("X denied the claims",
# "X acknowledged Y's commitment"); others need a clause.
CONTENT_OBJECT = word_set("""
announce acknowledge admit deny confirm reveal disclose predict promise pledge propose
recommend demand urge warn flag highlight stress emphasize emphasise underline underscore
criticize criticise condemn praise welcome reject dismiss dispute question cite describe
call blame accuse decry lament reiterate repeat express voice raise suggest concede
""")

# Phrasal cues: "according to X", "in the words of X", "X's view is".
ACCORDING = ("according", "to")

# Nouns that head an unnamed or document source ("a source said", "the report found").
DOCUMENT_NOUNS = word_set("""
report study survey poll statement document memo letter filing complaint lawsuit analysis
review investigation indictment ruling order release memorandum paper article book email
tweet post video post transcript audit assessment data research record records
""")
UNNAMED_NOUNS = word_set("""
source sources official officials aide aides spokesman spokeswoman spokesperson person people
observer observers critic critics analyst analysts expert experts diplomat diplomats
insider insiders witness witnesses resident residents
""")

CUE_LEMMAS = SPEECH | COGNITION | INTENT

# Pronouns that can stand for a speaker.
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "i", "we", "they", "you"})
ALL_PRONOUNS = PERSON_PRONOUNS | {"it", "this", "that", "who", "which"}
