"""The corpus store's tables (SQLAlchemy 2 declarative models).

The schema is created and changed only by the Alembic migrations in
``evenhand/store/migrations/versions``; these models describe the head revision. A later
feature that needs tables of its own (the newsroom app) declares them on the same
:class:`Base` and adds a migration whose ``down_revision`` is the current head.

Columns named ``start``/``end`` hold character offsets into ``articles.text`` (or into the
report's own ``text`` when the input was HTML and the report carries the extracted text).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "Actor",
    "Analysis",
    "Article",
    "Base",
    "Event",
    "ExactDuplicate",
    "Failure",
    "Finding",
    "Indicator",
    "MinHashBand",
    "NearDuplicate",
    "Quote",
    "Side",
    "StoreMeta",
]

# Explicit constraint names, so that migrations can name what they alter on every backend.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _fk(target: str, **kw: Any) -> Any:
    return ForeignKey(target, ondelete="CASCADE", **kw)


class StoreMeta(Base):
    """Settings fixed when the store is first used (the MinHash parameters, so that every
    later ingest bands signatures the same way)."""

    __tablename__ = "store_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Article(Base):
    """One distinct article text. ``content_hash`` is the SHA-256 of the text with Unicode
    NFC applied and runs of white space collapsed: the same text found again is an exact
    duplicate (recorded in ``exact_duplicates``, not stored twice)."""

    __tablename__ = "articles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    external_id: Mapped[str | None] = mapped_column(Text)  # the input's own id
    outlet: Mapped[str | None] = mapped_column(String(255), index=True)
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    date: Mapped[str | None] = mapped_column(String(32), index=True)  # ISO 8601
    language: Mapped[str | None] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(Text)  # path, path:line, path#record
    source_format: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    n_chars: Mapped[int] = mapped_column(Integer)
    n_words: Mapped[int] = mapped_column(Integer)
    # The earliest article this one is a near-duplicate of (the root of its group), if any.
    duplicate_of: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ExactDuplicate(Base):
    """A place where an article's exact text was found again: its metadata is kept here
    (wire copy run verbatim by a second outlet is still counted as that outlet's)."""

    __tablename__ = "exact_duplicates"
    __table_args__ = (UniqueConstraint("article_id", "source"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[int] = mapped_column(_fk("articles.id"), index=True)
    source: Mapped[str] = mapped_column(Text)
    source_format: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str | None] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(String(255))
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    date: Mapped[str | None] = mapped_column(String(32))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class NearDuplicate(Base):
    """A near-duplicate link: ``article_id`` (ingested later) shares most of its word
    5-grams with ``duplicate_of`` (``similarity`` = their exact Jaccard similarity).
    ``cross_outlet`` marks wire copy run by different outlets."""

    __tablename__ = "near_duplicates"
    __table_args__ = (UniqueConstraint("article_id", "duplicate_of"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[int] = mapped_column(_fk("articles.id"), index=True)
    duplicate_of: Mapped[int] = mapped_column(_fk("articles.id"), index=True)
    similarity: Mapped[float] = mapped_column(Float)
    cross_outlet: Mapped[bool] = mapped_column(Boolean)
    method: Mapped[str] = mapped_column(String(32))


class MinHashBand(Base):
    """LSH buckets of each article's MinHash signature, one row per band: articles sharing
    a (band, bucket) are near-duplicate candidates. Kept in the store so that a later
    ingest finds copies of articles ingested earlier."""

    __tablename__ = "minhash_bands"
    __table_args__ = (Index("ix_minhash_bands_bucket", "bucket", "band"),)
    article_id: Mapped[int] = mapped_column(_fk("articles.id"), primary_key=True)
    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[int] = mapped_column(BigInteger)  # a signed 64-bit hash of the band


class Analysis(Base):
    """One report for one article text by one analyser version. UNIQUE(content_hash,
    analyzer_version) makes batch runs idempotent."""

    __tablename__ = "analyses"
    __table_args__ = (UniqueConstraint("content_hash", "analyzer_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[int] = mapped_column(_fk("articles.id"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    analyzer_version: Mapped[str] = mapped_column(String(200), index=True)
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Failure(Base):
    """An article the analyser could not analyse, with the reason; ``pending`` skips it."""

    __tablename__ = "failures"
    __table_args__ = (UniqueConstraint("article_id", "analyzer_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[int] = mapped_column(_fk("articles.id"), index=True)
    analyzer_version: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class _Derived:
    """Columns shared by the rows derived from a report."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    analysis_id: Mapped[int] = mapped_column(_fk("analyses.id"), index=True)
    article_id: Mapped[int] = mapped_column(_fk("articles.id"), index=True)


class Actor(_Derived, Base):
    __tablename__ = "actors"
    __table_args__ = (UniqueConstraint("analysis_id", "actor_key"),)
    actor_key: Mapped[str] = mapped_column(String(32))  # a1, a2, ... within the report
    name: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(32))
    role: Mapped[str | None] = mapped_column(String(64))
    country: Mapped[str | None] = mapped_column(String(8))
    gender: Mapped[str] = mapped_column(String(16))
    side: Mapped[str | None] = mapped_column(String(255))
    quoted: Mapped[bool] = mapped_column(Boolean)
    quote_count: Mapped[int] = mapped_column(Integer)
    quoted_words: Mapped[int] = mapped_column(Integer)
    mentions: Mapped[int] = mapped_column(Integer)
    first_start: Mapped[int | None] = mapped_column(Integer)
    tone_score: Mapped[float | None] = mapped_column(Float)
    tone_label: Mapped[str | None] = mapped_column(String(16))


class Quote(_Derived, Base):
    __tablename__ = "quotes"
    idx: Mapped[int] = mapped_column(Integer)  # position in the report's quotes
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    n_words: Mapped[int] = mapped_column(Integer)
    cue_start: Mapped[int | None] = mapped_column(Integer)
    cue_end: Mapped[int | None] = mapped_column(Integer)
    cue_text: Mapped[str | None] = mapped_column(Text)
    speaker_start: Mapped[int | None] = mapped_column(Integer)
    speaker_end: Mapped[int | None] = mapped_column(Integer)
    speaker_text: Mapped[str | None] = mapped_column(Text)
    actor_key: Mapped[str | None] = mapped_column(String(32))
    actor_name: Mapped[str | None] = mapped_column(Text)
    side: Mapped[str | None] = mapped_column(String(255))


class Side(_Derived, Base):
    __tablename__ = "sides"
    name: Mapped[str] = mapped_column(String(255))
    actors: Mapped[int] = mapped_column(Integer)
    quotes: Mapped[int] = mapped_column(Integer)
    quoted_words: Mapped[int] = mapped_column(Integer)
    share: Mapped[float | None] = mapped_column(Float)
    mentions: Mapped[int] = mapped_column(Integer)
    heard: Mapped[bool] = mapped_column(Boolean)


class Event(_Derived, Base):
    """A CAMEO/PLOVER event from the report's ``events`` (when the analyser reports them)."""

    __tablename__ = "events"
    idx: Mapped[int] = mapped_column(Integer)
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
    code: Mapped[str | None] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(Text)
    plover: Mapped[str | None] = mapped_column(String(64))
    goldstein: Mapped[float | None] = mapped_column(Float)
    quad: Mapped[str | None] = mapped_column(String(32))
    mode: Mapped[str | None] = mapped_column(String(32))
    source_text: Mapped[str | None] = mapped_column(Text)
    source_code: Mapped[str | None] = mapped_column(String(64))
    source_actor: Mapped[str | None] = mapped_column(String(32))
    target_text: Mapped[str | None] = mapped_column(Text)
    target_code: Mapped[str | None] = mapped_column(String(64))
    target_actor: Mapped[str | None] = mapped_column(String(32))
    claimed_by: Mapped[str | None] = mapped_column(Text)


class Finding(_Derived, Base):
    __tablename__ = "findings"
    idx: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(64))  # the finding's stable id
    severity: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[Any]] = mapped_column(JSON)  # [[start, end], ...]


class Indicator(_Derived, Base):
    """The report's scalar indicators, one row each (``voice_share_by_side`` is in
    ``sides.share``)."""

    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("analysis_id", "name"),)
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[float | None] = mapped_column(Float)
