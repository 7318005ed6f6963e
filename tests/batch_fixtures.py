"""Written fixture articles for the batch, Ray and stats tests, and a helper that puts
articles into a store.

The texts are invented for these tests (no shared data). ``add_articles`` writes rows
through the store's own models and session, the way any tool filling a store would; it
bypasses ingest on purpose so that the bad articles ingest would refuse (empty, binary
junk) can reach the batch run, which must cope with them too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime

from evenhand.store import Store
from evenhand.store import models as m

BASE_TEXTS = (
    "Ministers from Norway and Sweden agreed on Tuesday to share the cost of a new rail "
    "link across their northern border.\n\n"
    "“This line will carry timber and people for a hundred years,” Norway’s transport "
    "minister said at a press conference in Tromsø.\n\n"
    "Sweden’s infrastructure minister said the two governments would each pay half of the "
    "construction bill. Finland, whose own railway ends a few kilometres away, was not "
    "invited to the talks, and a spokesman in Helsinki declined to comment.\n\n"
    "Critics said the project was a reckless waste of money.",

    "Farmers in Kenya have started planting drought-resistant maize after two failed rainy "
    "seasons, according to the country’s agriculture ministry.\n\n"
    "“We cannot wait for the rain any more,” said Grace Wanjiru, who farms four acres near "
    "Machakos. “The new seed is expensive, but the old seed gives us nothing.”\n\n"
    "An expert at the University of Nairobi said yields could rise by a third if the rains "
    "stayed poor. Officials in Uganda said they were watching the results closely.",

    "The European Union will tighten rules on the sale of used batteries, the European "
    "Commission said on Wednesday.\n\n"
    "“Batteries are not rubbish, they are a resource,” the commissioner for the environment "
    "told reporters in Brussels.\n\n"
    "Industry groups warned that the rules were rushed. China, which makes most of the "
    "world’s battery cells, was mentioned in the proposal but did not respond. Some say the "
    "plan is a blatant giveaway to recyclers.",

    "Japan and South Korea held their first joint fisheries talks in six years on Friday.\n\n"
    "Japan’s fisheries agency said both sides had agreed to share catch data every month. "
    "“We have taken a small but real step,” a South Korean negotiator said.\n\n"
    "Fishermen’s unions in both countries said they hoped the talks would continue. Russia, "
    "whose boats fish the same waters, was not part of the meeting.",

    "Brazil’s central bank raised its main interest rate by half a percentage point on "
    "Thursday, its third increase this year.\n\n"
    "“Inflation is still too high and too persistent,” the bank’s governor said in a "
    "statement.\n\n"
    "Economists at several banks had expected the move. Argentina’s economy minister said "
    "higher rates in Brazil would hurt exports from his country, calling the decision a "
    "devastating blow.",

    "Residents of a coastal town in Portugal voted on Sunday to block a new hotel on the "
    "beach.\n\n"
    "“The beach belongs to everyone, not to one company,” said Ana Ferreira, a teacher who "
    "led the campaign against the project.\n\n"
    "The developer said it would appeal. The mayor said the result showed that people cared "
    "about their coast, and that the council would respect it.",
)

OUTLETS = ("northern-post", "daily-ledger", "coastal-times")


def good_texts(n: int, *, paragraphs: int = 1) -> list[str]:
    """``n`` distinct articles: the base texts in turn, each made unique by a closing
    paragraph; ``paragraphs`` > 1 repeats the body to make longer articles."""
    texts = []
    for i in range(n):
        body = "\n\n".join([BASE_TEXTS[i % len(BASE_TEXTS)]] * paragraphs)
        texts.append(f"{body}\n\nThis is report number {i + 1} in the series.")
    return texts


BAD_TEXTS = {
    "empty": "",
    "whitespace": "   \n\n\t  \n",
    # control characters and replacement characters: binary junk decoded as text (no NUL,
    # which PostgreSQL's text type refuses outright)
    "binary": "\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\ufffd\ufffd\x10\x11PK\x12\x13" * 20,
}


def add_articles(store: Store, texts: Sequence[str], *, outlets: Sequence[str] = OUTLETS,
                 start_date: int = 1) -> list[int]:
    """Insert ``texts`` as articles (outlets and monthly dates in turn); their ids, in
    order."""
    ids = []
    with store.session(write=True) as s:
        for i, text in enumerate(texts):
            digest = hashlib.sha256(f"{i}\x00{text}".encode()).hexdigest()
            row = m.Article(
                content_hash=digest, text=text, outlet=outlets[i % len(outlets)],
                date=f"2024-{(start_date + i) % 12 + 1:02d}-15", title=None, url=None,
                source=f"fixture:{i}", source_format="test", n_chars=len(text),
                n_words=len(text.split()), ingested_at=datetime.now(UTC), extra={})
            s.add(row)
            s.flush()
            ids.append(row.id)
    return ids
