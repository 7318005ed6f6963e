"""Reader bias reports and their triage: the library functions behind the pages, the API
and the CLI (no HTTP here).

A report names an article, a passage (character offsets into the article's text, or none
for the whole article), a category, a comment and optionally an e-mail address. It is
stored with the analysis the reader was shown and folded into a campaign (see
:mod:`evenhand.web.campaigns`); the campaign carries the triage state, so near-identical
reports are counted, triaged and answered once.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, tuple_, update
from sqlalchemy.orm import Session

from ..errors import InputError, NotFoundError, StoreError
from ..store import Store
from ..store import models as sm
from . import campaigns as cp
from .auth import audit
from .models import BiasReport, Campaign, CampaignBand, Note
from .settings import REPORT_CATEGORIES, RESOLUTIONS, STATUSES

__all__ = ["MAX_QUOTE_CHARS", "TRANSITIONS", "ReportInput", "Submitted", "add_note",
           "latest_analysis", "locate_passage", "set_status", "submit_report"]

MAX_QUOTE_CHARS = 5_000
MAX_NOTE_CHARS = 5_000
# new → in review → resolved; a resolved campaign may be reopened (back to in review).
TRANSITIONS = {"new": {"in_review", "resolved"}, "in_review": {"new", "resolved"},
               "resolved": {"in_review"}}
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]+")
_QUOTE_CHARS = {"'": "'‘’`´", "‘": "'‘’`´", "’": "'‘’`´", '"': "\"“”«»", "“": "\"“”«»",
                "”": "\"“”«»", "-": "-‐‑–—", "–": "-‐‑–—", "—": "-‐‑–—"}


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ReportInput:
    """What a reader sends. ``start``/``end`` (offsets into the article's text) win when
    valid; otherwise ``quote`` (the passage's text, as a publisher's page shows it) is
    looked up in the article; with neither, the report is about the whole article."""

    category: str
    comment: str = ""
    email: str | None = None
    start: int | None = None
    end: int | None = None
    quote: str | None = None
    analysis_id: int | None = None


@dataclass(frozen=True)
class Submitted:
    id: int
    article_id: int
    campaign_id: int
    campaign_size: int
    status: str
    start: int | None
    end: int | None


# --- locating the passage ------------------------------------------------------------------

def _quote_pattern(quote: str) -> re.Pattern[str] | None:
    words = quote.split()
    if not words:
        return None
    parts = []
    for word in words:
        parts.append("".join(f"[{re.escape(_QUOTE_CHARS[c])}]" if c in _QUOTE_CHARS
                             else re.escape(c) for c in word))
    return re.compile(r"\s+".join(parts), re.IGNORECASE)


def locate_passage(text: str, start: int | None, end: int | None,
                   quote: str | None) -> tuple[int, int] | None:
    """The passage's ``(start, end)`` in ``text``, or None for the whole article.

    Offsets are used when they are a valid, non-blank span and (when a quote is given too)
    its text matches the quote up to white space, quotation marks and case. Otherwise the
    quote is searched for the same way (the occurrence nearest ``start`` wins). Raises
    InputError when neither gives a passage."""
    quote = (quote or "").strip() or None
    if quote is not None and len(quote) > MAX_QUOTE_CHARS:
        raise InputError("quote", f"{len(quote):,} characters; at most {MAX_QUOTE_CHARS:,}")
    if (start is None) != (end is None):
        raise InputError("start/end", "give both start and end, or neither")
    pattern = _quote_pattern(quote) if quote else None
    if start is not None and end is not None:
        if not 0 <= start < end <= len(text):
            if pattern is None:
                raise InputError("start/end", f"{start}-{end} is not a passage of this "
                                              f"article (0-{len(text)})")
        elif not text[start:end].strip():
            raise InputError("start/end", f"{start}-{end} holds only white space")
        elif pattern is None or pattern.fullmatch(text[start:end].strip()):
            return start, end
    if pattern is None:
        return None
    matches = list(pattern.finditer(text))
    if not matches:
        raise InputError("quote", "the passage was not found in the article's text")
    near = start if start is not None else 0
    best = min(matches, key=lambda m: abs(m.start() - near))
    return best.start(), best.end()


# --- submitting -----------------------------------------------------------------------------

def latest_analysis(session: Session, article_id: int) -> tuple[int, str] | None:
    """(analysis id, analyzer version) of the article's newest analysis."""
    row = session.execute(
        select(sm.Analysis.id, sm.Analysis.analyzer_version)
        .where(sm.Analysis.article_id == article_id)
        .order_by(sm.Analysis.id.desc()).limit(1)).first()
    return (int(row[0]), str(row[1])) if row else None


def _check(data: ReportInput, max_comment_chars: int) -> tuple[str, str | None]:
    if data.category not in REPORT_CATEGORIES:
        raise InputError("category", f"{data.category!r} is not one of "
                                     f"{', '.join(REPORT_CATEGORIES)}")
    comment = data.comment.strip()
    if len(comment) > max_comment_chars:
        raise InputError("comment", f"{len(comment):,} characters; at most "
                                    f"{max_comment_chars:,}")
    email = (data.email or "").strip() or None
    if email is not None and (len(email) > 254 or not _EMAIL.fullmatch(email)):
        raise InputError("email", "not an e-mail address (leave it empty to stay anonymous)")
    return comment, email


def submit_report(store: Store, article_id: int, data: ReportInput, *, client_hash: str,
                  via: str = "api", response_time: timedelta = timedelta(hours=72),
                  similarity: float = 0.7, max_comment_chars: int = 2_000) -> Submitted:
    """Store one reader report, folded into its campaign, in one transaction."""
    comment, email = _check(data, max_comment_chars)
    now = _now()
    with _one_writer(store), store.session(write=True) as s:
        text = s.scalar(select(sm.Article.text).where(sm.Article.id == article_id))
        if text is None:
            raise NotFoundError(f"no article with id {article_id}")
        span = locate_passage(text, data.start, data.end, data.quote)
        start, end = span if span else (None, None)
        if data.analysis_id is not None:
            version = s.scalar(select(sm.Analysis.analyzer_version).where(
                sm.Analysis.id == data.analysis_id, sm.Analysis.article_id == article_id))
            if version is None:
                raise InputError("analysis_id", f"no analysis {data.analysis_id} of article "
                                                f"{article_id}")
            analysis: tuple[int, str] | None = (data.analysis_id, version)
        else:
            analysis = latest_analysis(s, article_id)
        fp = cp.fingerprint(comment, article_id=article_id, start=start, end=end,
                            category=data.category)
        campaign_id = _campaign_for(s, fp, similarity)
        if campaign_id is None:
            campaign_id = _new_campaign(s, fp, article_id, now, now + response_time)
            if campaign_id is None:  # a concurrent writer made it first: fold into that
                campaign_id = s.scalar(select(Campaign.id)
                                       .where(Campaign.fingerprint == fp.key))
                if campaign_id is None:
                    raise StoreError(f"campaign {fp.key[:12]} vanished while a report "
                                     "was being stored")
                _count_one_more(s, campaign_id, now)
        else:
            _count_one_more(s, campaign_id, now)
        count, status = s.execute(select(Campaign.report_count, Campaign.status)
                                  .where(Campaign.id == campaign_id)).one()
        report = BiasReport(
            campaign_id=campaign_id, article_id=article_id,
            analysis_id=analysis[0] if analysis else None,
            analyzer_version=analysis[1] if analysis else None, start=start, end=end,
            passage=text[start:end] if span else None, category=data.category,
            comment=comment, email=email, client_hash=client_hash, via=via, created_at=now)
        s.add(report)
        s.flush()
        return Submitted(report.id, article_id, campaign_id, int(count), str(status),
                         start, end)


_WRITERS: weakref.WeakKeyDictionary[Store, threading.Lock] = weakref.WeakKeyDictionary()
_WRITERS_LOCK = threading.Lock()


@contextmanager
def _one_writer(store: Store) -> Iterator[None]:
    """On SQLite, the app's report writers queue on a lock in the process rather than on
    SQLite's busy timeout, whose back-off sleeps (up to 100 ms a try) would add that to a
    writer's wait after the lock is long free. PostgreSQL takes writers concurrently:
    identical reports meet at the campaign's unique fingerprint, where the later ones fold
    in (see :func:`_new_campaign`)."""
    if store.dialect != "sqlite":
        yield
        return
    with _WRITERS_LOCK:
        lock = _WRITERS.setdefault(store, threading.Lock())
    with lock:
        yield


def _new_campaign(s: Session, fp: cp.Fingerprint, article_id: int, now: datetime,
                  due_at: datetime) -> int | None:
    """Insert the campaign for ``fp``; its id, or None when a concurrent writer has just
    inserted one with the same fingerprint (ON CONFLICT DO NOTHING: on PostgreSQL the
    insert waits for that writer to commit rather than failing on the unique key)."""
    dialect = s.get_bind().dialect.name
    stmt: Any
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt = pg_insert(Campaign)
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(Campaign)
    else:
        raise StoreError(f"reader reports need SQLite or PostgreSQL, not {dialect}")
    stmt = (stmt
            .values(fingerprint=fp.key, signature=fp.signature, article_id=article_id,
                    report_count=1, status="new", due_at=due_at, created_at=now,
                    updated_at=now, last_report_at=now)
            .on_conflict_do_nothing(index_elements=[Campaign.fingerprint])
            .returning(Campaign.id))
    campaign_id = s.scalar(stmt)
    if campaign_id is None:
        return None
    if fp.signature is not None:  # one executemany, not an ORM object a band
        s.execute(insert(CampaignBand), [
            {"campaign_id": campaign_id, "band": b, "bucket": k}
            for b, k in cp.bands(fp.signature)])
    return int(campaign_id)


def _count_one_more(s: Session, campaign_id: int, now: datetime) -> None:
    # counted in SQL, so concurrent writers on PostgreSQL do not lose each other's count
    s.execute(update(Campaign).where(Campaign.id == campaign_id)
              .values(report_count=Campaign.report_count + 1, last_report_at=now)
              .execution_options(synchronize_session=False))


def _campaign_for(s: Session, fp: cp.Fingerprint, threshold: float) -> int | None:
    """The id of the campaign a report with this fingerprint folds into, if any."""
    found = s.scalar(select(Campaign.id).where(Campaign.fingerprint == fp.key))
    if found is not None or fp.signature is None:
        return found
    keys = cp.bands(fp.signature)
    ids = s.scalars(select(CampaignBand.campaign_id).distinct()
                    .where(tuple_(CampaignBand.band, CampaignBand.bucket).in_(keys))
                    .limit(200)).all()
    if not ids:
        return None
    candidates = s.execute(select(Campaign.id, Campaign.signature)
                           .where(Campaign.id.in_(ids), Campaign.signature.is_not(None))).all()
    return cp.best_match(fp.signature, [(int(i), bytes(sig)) for i, sig in candidates
                                        if sig is not None], threshold)


# --- triage ---------------------------------------------------------------------------------

def _campaign_of(s: Session, report_id: int) -> Campaign:
    campaign = s.scalar(select(Campaign).join(BiasReport, BiasReport.campaign_id == Campaign.id)
                        .where(BiasReport.id == report_id))
    if campaign is None:
        raise NotFoundError(f"no bias report with id {report_id}")
    return campaign


def set_status(store: Store, report_id: int, status: str, resolution: str | None,
               user_id: int) -> dict[str, Any]:
    """Move the report's campaign to ``status`` (``resolution`` required for resolved, and
    only then). Every report of the campaign shares the change: it is answered once."""
    if status not in STATUSES:
        raise InputError("status", f"{status!r} is not one of {', '.join(STATUSES)}")
    if status == "resolved" and resolution not in RESOLUTIONS:
        raise InputError("resolution", f"resolving needs one of {', '.join(RESOLUTIONS)}"
                                       + (f", not {resolution!r}" if resolution else ""))
    if status != "resolved" and resolution:
        raise InputError("resolution", f"only a resolved report has a resolution, not a "
                                       f"report {STATUSES[status].lower()}")
    with store.session(write=True) as s:
        campaign = _campaign_of(s, report_id)
        before = (campaign.status, campaign.resolution)
        if before != (status, resolution):
            if status != campaign.status and status not in TRANSITIONS[campaign.status]:
                raise InputError("status", f"a {STATUSES[campaign.status].lower()} report "
                                           f"cannot go to {STATUSES[status].lower()}")
            now = _now()
            campaign.status, campaign.resolution, campaign.updated_at = status, resolution, now
            campaign.resolved_at = now if status == "resolved" else None
            campaign.resolved_by = user_id if status == "resolved" else None
            audit(s, "campaign.status", user_id=user_id, target_type="campaign",
                  target_id=campaign.id, report_id=report_id, before=before[0],
                  after=status, resolution=resolution, reports=campaign.report_count)
        return {"campaign_id": campaign.id, "status": campaign.status,
                "resolution": campaign.resolution, "report_count": campaign.report_count}


def add_note(store: Store, report_id: int, user_id: int, body: str) -> int:
    """An internal note on the report's campaign; returns its id."""
    body = body.strip()
    if not body:
        raise InputError("note", "empty")
    if len(body) > MAX_NOTE_CHARS:
        raise InputError("note", f"{len(body):,} characters; at most {MAX_NOTE_CHARS:,}")
    with store.session(write=True) as s:
        campaign = _campaign_of(s, report_id)
        note = Note(campaign_id=campaign.id, user_id=user_id, body=body, created_at=_now())
        s.add(note)
        s.flush()
        audit(s, "note.add", user_id=user_id, target_type="campaign", target_id=campaign.id,
              report_id=report_id, note_id=note.id)
        return int(note.id)


def count_reports(store: Store) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(BiasReport)) or 0)
