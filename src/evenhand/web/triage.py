"""What editors read: the triage queue (campaigns grouped by article and passage), one
report with the automatic findings for its passage, the CSV export and the audit log."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ..errors import InputError, NotFoundError
from ..store import Store
from ..store import models as sm
from .auth import aware
from .models import AuditEntry, BiasReport, Campaign, Note, User
from .settings import STATUSES

__all__ = ["CSV_COLUMNS", "ArticleGroup", "PassageGroup", "QueueItem", "audit_entries",
           "export_csv", "list_reports", "passage_findings", "report_detail", "triage_queue"]

CONTEXT_CHARS = 320


@dataclass
class QueueItem:
    report_id: int  # the campaign's first report
    campaign_id: int
    status: str
    resolution: str | None
    due_at: datetime
    overdue: bool
    report_count: int
    category: str
    comment: str
    created_at: datetime
    last_report_at: datetime


@dataclass
class PassageGroup:
    start: int | None
    end: int | None
    passage: str | None
    items: list[QueueItem] = field(default_factory=list)

    @property
    def reports(self) -> int:
        return sum(i.report_count for i in self.items)


@dataclass
class ArticleGroup:
    article_id: int
    title: str | None
    outlet: str | None
    date: str | None
    passages: list[PassageGroup] = field(default_factory=list)

    @property
    def reports(self) -> int:
        return sum(p.reports for p in self.passages)


def _status_filter(status: str | None) -> list[str]:
    if status in (None, "", "open"):
        return ["new", "in_review"]
    if status == "all":
        return list(STATUSES)
    if status not in STATUSES:
        raise InputError("status", f"{status!r}: expected open, all or one of "
                                   f"{', '.join(STATUSES)}")
    return [status]


def _first_reports() -> Any:
    return (select(BiasReport.campaign_id, func.min(BiasReport.id).label("first_id"))
            .group_by(BiasReport.campaign_id).subquery())


def triage_queue(store: Store, status: str | None = "open", limit: int = 200
                 ) -> list[ArticleGroup]:
    """Campaigns in ``status`` (``open`` = new or in review; ``all``), most urgent first,
    grouped by article, then by the passage of their first report."""
    statuses = _status_filter(status)
    first = _first_reports()
    now = datetime.now(UTC)
    stmt = (select(Campaign, BiasReport, sm.Article.title, sm.Article.outlet, sm.Article.date)
            .join(first, first.c.campaign_id == Campaign.id)
            .join(BiasReport, BiasReport.id == first.c.first_id)
            .join(sm.Article, sm.Article.id == BiasReport.article_id)
            .where(Campaign.status.in_(statuses))
            .order_by(Campaign.due_at, Campaign.id).limit(limit))
    groups: dict[int, ArticleGroup] = {}
    with store.session() as s:
        for campaign, report, title, outlet, date in s.execute(stmt):
            group = groups.get(report.article_id)
            if group is None:
                group = groups[report.article_id] = ArticleGroup(report.article_id, title,
                                                                 outlet, date)
            passage = next((p for p in group.passages
                            if (p.start, p.end) == (report.start, report.end)), None)
            if passage is None:
                passage = PassageGroup(report.start, report.end, report.passage)
                group.passages.append(passage)
            due = aware(campaign.due_at)
            passage.items.append(QueueItem(
                report.id, campaign.id, campaign.status, campaign.resolution, due,
                campaign.status != "resolved" and due < now, campaign.report_count,
                report.category, report.comment, aware(report.created_at),
                aware(campaign.last_report_at)))
    for group in groups.values():  # whole-article reports last, passages in text order
        group.passages.sort(key=lambda p: (p.start is None, p.start or 0, p.end or 0))
    return list(groups.values())


def _overlaps(s: int, e: int, start: int, end: int) -> bool:
    return s < end and e > start


def passage_findings(report: dict[str, Any], start: int | None, end: int | None
                     ) -> dict[str, Any]:
    """What the automatic analysis found in ``[start, end)`` of the article (everything for
    the whole article): findings with evidence there, quotes, loaded terms, vague and
    slanted attributions, tone evidence, and the sentences' bias scores."""
    whole = start is None or end is None
    lo, hi = (0, 1 << 62) if whole else (int(start or 0), int(end or 0))

    def here(item: Any) -> bool:
        return (isinstance(item, dict) and isinstance(item.get("start"), int)
                and isinstance(item.get("end"), int)
                and _overlaps(item["start"], item["end"], lo, hi))

    actors = {a.get("id"): a for a in report.get("actors") or []}
    findings = []
    for f in report.get("findings") or []:
        evidence = [ev for ev in f.get("evidence") or []
                    if len(ev) == 2 and _overlaps(int(ev[0]), int(ev[1]), lo, hi)]
        if whole or evidence:
            findings.append({"id": f.get("id"), "severity": f.get("severity"),
                             "text": f.get("text"), "evidence_here": evidence})
    quotes = []
    for q in report.get("quotes") or []:
        if here(q):
            actor = actors.get(q.get("actor")) or {}
            quotes.append({"start": q["start"], "end": q["end"], "text": q.get("text"),
                           "kind": q.get("kind"), "speaker": actor.get("name") or (
                               (q.get("speaker") or {}).get("text")),
                           "role": actor.get("role"), "side": actor.get("side")})
    sentences, loaded = [], []
    for sent in report.get("sentences") or []:
        if here(sent):
            sentences.append({"start": sent["start"], "end": sent["end"],
                              "bias": sent.get("bias"), "biased": sent.get("biased")})
            loaded += [{"start": t["start"], "end": t["end"], "text": t.get("text"),
                        "category": t.get("category"), "why": t.get("why")}
                       for t in sent.get("loaded") or [] if here(t)]
    attribution = report.get("attribution") or {}
    vague = [dict(v) for v in attribution.get("vague") or [] if here(v)]
    slanted = [dict(v) for v in attribution.get("slanted") or [] if here(v)]
    tone = []
    for actor_id, t in (report.get("tone") or {}).items():
        for ev in t.get("evidence") or []:
            if here(ev):
                tone.append({"actor": (actors.get(actor_id) or {}).get("name", actor_id),
                             "polarity": ev.get("polarity"), "text": ev.get("text"),
                             "start": ev["start"], "end": ev["end"]})
    mentioned = []
    for actor in report.get("actors") or []:
        if any(_overlaps(int(m[0]), int(m[1]), lo, hi) for m in actor.get("mentions") or []):
            mentioned.append({"name": actor.get("name"), "side": actor.get("side"),
                              "role": actor.get("role"), "quoted": actor.get("quoted")})
    return {"findings": findings, "quotes": quotes, "loaded": loaded, "vague": vague,
            "slanted": slanted, "tone": tone, "sentences": sentences,
            "actors": mentioned if not whole else []}


def _context(text: str, start: int | None, end: int | None) -> dict[str, Any]:
    if start is None or end is None:
        return {"before": "", "passage": None, "after": ""}
    lo, hi = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
    # cut the context at white space, not inside a word
    if lo > 0 and (space := text.find(" ", lo, start)) >= 0:
        lo = space + 1
    if hi < len(text) and (space := text.rfind(" ", end, hi)) >= 0:
        hi = space
    return {"before": ("…" if lo > 0 else "") + text[lo:start], "passage": text[start:end],
            "after": text[end:hi] + ("…" if hi < len(text) else "")}


def _iso(value: datetime | None) -> str | None:
    return aware(value).isoformat() if value is not None else None


def _report_dict(r: BiasReport, with_private: bool = True) -> dict[str, Any]:
    out = {"id": r.id, "article_id": r.article_id, "campaign_id": r.campaign_id,
           "start": r.start, "end": r.end, "passage": r.passage, "category": r.category,
           "comment": r.comment, "via": r.via, "analysis_id": r.analysis_id,
           "analyzer_version": r.analyzer_version, "created_at": _iso(r.created_at)}
    if with_private:
        out["email"] = r.email
        out["client_hash"] = r.client_hash
    return out


def report_detail(store: Store, report_id: int) -> dict[str, Any]:
    """One report for an editor: the report, its campaign (status, due date, the other
    reports, notes, audit trail), the article, the passage in context and the automatic
    findings for that passage (from the analysis the reader was shown, else the newest)."""
    author = aliased(User)
    with store.session() as s:
        report = s.get(BiasReport, report_id)
        if report is None:
            raise NotFoundError(f"no bias report with id {report_id}")
        campaign = s.get(Campaign, report.campaign_id)
        article = s.get(sm.Article, report.article_id)
        assert campaign is not None and article is not None  # foreign keys
        members = s.scalars(select(BiasReport).where(BiasReport.campaign_id == campaign.id)
                            .order_by(BiasReport.id).limit(100)).all()
        n_articles = s.scalar(select(func.count(func.distinct(BiasReport.article_id)))
                              .where(BiasReport.campaign_id == campaign.id))
        notes = s.execute(select(Note, author.name).outerjoin(author, author.id == Note.user_id)
                          .where(Note.campaign_id == campaign.id).order_by(Note.id)).all()
        trail = s.execute(select(AuditEntry, author.name)
                          .outerjoin(author, author.id == AuditEntry.user_id)
                          .where(AuditEntry.target_type == "campaign",
                                 AuditEntry.target_id == campaign.id)
                          .order_by(AuditEntry.id)).all()
        analysis = None
        if report.analysis_id is not None:
            analysis = s.get(sm.Analysis, report.analysis_id)
        if analysis is None:
            analysis = s.scalar(select(sm.Analysis).where(sm.Analysis.article_id == article.id)
                                .order_by(sm.Analysis.id.desc()).limit(1))
        resolver = s.get(User, campaign.resolved_by) if campaign.resolved_by else None
        due = aware(campaign.due_at)
        text = (analysis.report.get("text") if analysis else None) or article.text
        return {
            "report": _report_dict(report),
            "campaign": {
                "id": campaign.id, "status": campaign.status,
                "resolution": campaign.resolution, "due_at": due.isoformat(),
                "overdue": campaign.status != "resolved" and due < datetime.now(UTC),
                "report_count": campaign.report_count, "articles": int(n_articles or 0),
                "created_at": _iso(campaign.created_at),
                "resolved_at": _iso(campaign.resolved_at),
                "resolved_by": resolver.name if resolver else None,
                "reports": [_report_dict(m, with_private=False) for m in members]},
            "notes": [{"id": n.id, "by": name, "body": n.body, "at": _iso(n.created_at)}
                      for n, name in notes],
            "audit": [{"at": _iso(e.at), "by": name, "action": e.action, "detail": e.detail}
                      for e, name in trail],
            "article": {"id": article.id, "title": article.title, "outlet": article.outlet,
                        "date": article.date, "url": article.url},
            "context": _context(text, report.start, report.end),
            "analysis": ({"id": analysis.id, "analyzer_version": analysis.analyzer_version}
                         if analysis else None),
            "findings": passage_findings(analysis.report, report.start, report.end)
            if analysis else None,
        }


CSV_COLUMNS = ("report_id", "created_at", "article_id", "article_title", "outlet", "start",
               "end", "passage", "category", "comment", "email", "via", "campaign_id",
               "campaign_size", "status", "resolution", "due_at", "resolved_at",
               "analyzer_version")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """Spreadsheet-safe: text that a spreadsheet would run as a formula gets a leading '."""
    if isinstance(value, datetime):
        return aware(value).isoformat()
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return "" if value is None else value


def export_csv(store: Store, status: str | None = "all", page: int = 500) -> Iterator[str]:
    """Every report (of campaigns in ``status``) as CSV lines, header first, streamed a
    page at a time."""
    statuses = _status_filter(status)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        out = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return out

    writer.writerow(CSV_COLUMNS)
    yield flush()
    last = 0
    while True:
        with store.session() as s:
            rows = s.execute(
                select(BiasReport, Campaign, sm.Article.title, sm.Article.outlet)
                .join(Campaign, Campaign.id == BiasReport.campaign_id)
                .join(sm.Article, sm.Article.id == BiasReport.article_id)
                .where(BiasReport.id > last, Campaign.status.in_(statuses))
                .order_by(BiasReport.id).limit(page)).all()
        if not rows:
            return
        for r, c, title, outlet in rows:
            writer.writerow([_cell(v) for v in (
                r.id, r.created_at, r.article_id, title, outlet, r.start, r.end, r.passage,
                r.category, r.comment, r.email, r.via, c.id, c.report_count, c.status,
                c.resolution, c.due_at, c.resolved_at, r.analyzer_version)])
        yield flush()
        last = rows[-1][0].id


def list_reports(store: Store, status: str | None = None, article_id: int | None = None,
                 limit: int = 100, before_id: int | None = None) -> list[dict[str, Any]]:
    """Reports, newest first, with their campaign's status (filtered by status, article;
    older than ``before_id`` when given)."""
    stmt = (select(BiasReport, Campaign.status, Campaign.resolution, Campaign.report_count)
            .join(Campaign, Campaign.id == BiasReport.campaign_id)
            .order_by(BiasReport.id.desc()).limit(limit))
    if status:
        stmt = stmt.where(Campaign.status.in_(_status_filter(status)))
    if article_id is not None:
        stmt = stmt.where(BiasReport.article_id == article_id)
    if before_id is not None:
        stmt = stmt.where(BiasReport.id < before_id)
    with store.session() as s:
        return [{**_report_dict(r), "campaign_size": size, "status": st, "resolution": res}
                for r, st, res, size in s.execute(stmt)]


def audit_entries(store: Store, limit: int = 200, before_id: int | None = None
                  ) -> list[dict[str, Any]]:
    """The newest audit-log entries (older than ``before_id`` when given)."""
    stmt = (select(AuditEntry, User.name).outerjoin(User, User.id == AuditEntry.user_id)
            .order_by(AuditEntry.id.desc()).limit(limit))
    if before_id is not None:
        stmt = stmt.where(AuditEntry.id < before_id)
    with store.session() as s:
        return [{"id": e.id, "at": _iso(e.at), "user": name, "action": e.action,
                 "target_type": e.target_type, "target_id": e.target_id, "detail": e.detail}
                for e, name in s.execute(stmt)]
