"""The newsroom app's tables, declared on the corpus store's :class:`~evenhand.store.models.Base`
and created by the store's migration ``0002_newsroom`` (so ``open_store`` creates them with the
rest of the schema).

* ``users``: editor and admin accounts (argon2 password hashes; ``session_version`` is bumped
  to end every session of a user at once).
* ``api_tokens``: bearer tokens for the editor API, stored as their SHA-256 only.
* ``campaigns``: every reader report belongs to one campaign, the group of near-identical
  reports it folds into (most have one report). Triage state lives here, so a campaign is
  counted, triaged and answered once: ``status`` new → in_review → resolved, with a
  ``resolution`` and a ``due_at`` set from the configured response time.
* ``campaign_bands``: the LSH buckets of each campaign's MinHash signature, for finding the
  campaign a new comment is a near-copy of without scanning them all.
* ``bias_reports``: what a reader reported: the passage (character offsets into
  ``articles.text``, null for the whole article, and the passage's text as seen), category,
  comment, optional e-mail, the analysis version shown, and a salted hash of the client's
  address (never the address).
* ``notes``: internal notes on a campaign. ``audit_log``: who did what, when.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..store.models import Base

__all__ = ["ApiToken", "AuditEntry", "BiasReport", "Campaign", "CampaignBand", "Note", "User"]


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # "editor" | "admin"
    password_hash: Mapped[str] = mapped_column(Text)
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # shown in lists to tell tokens apart
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Campaign(Base):
    __tablename__ = "campaigns"
    __table_args__ = (Index("ix_campaigns_status_due_at", "status", "due_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)  # MinHash, uint32 × perms
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"),
                                            index=True)  # the first report's article
    report_count: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="new")
    resolution: Mapped[str | None] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_report_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))


class CampaignBand(Base):
    __tablename__ = "campaign_bands"
    __table_args__ = (Index("ix_campaign_bands_bucket", "bucket", "band"),)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[int] = mapped_column(BigInteger)


class BiasReport(Base):
    __tablename__ = "bias_reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"),
                                             index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"),
                                            index=True)
    analysis_id: Mapped[int | None] = mapped_column(
        ForeignKey("analyses.id", ondelete="SET NULL"))
    analyzer_version: Mapped[str | None] = mapped_column(String(200))
    start: Mapped[int | None] = mapped_column(Integer)  # null: the whole article
    end: Mapped[int | None] = mapped_column(Integer)
    passage: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(254))
    client_hash: Mapped[str] = mapped_column(String(32), index=True)
    via: Mapped[str] = mapped_column(String(16))  # "form" | "api" | "embed"
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"),
                                             index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                index=True)
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
