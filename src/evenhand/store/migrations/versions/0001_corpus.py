"""The corpus store: articles, exact and near duplicates, MinHash bands, analyses,
failures, and the rows derived from each report (actors, quotes, sides, events, findings,
indicators).

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=True),
        sa.Column("outlet", sa.String(length=255), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("date", sa.String(length=32), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_format", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("n_chars", sa.Integer(), nullable=False),
        sa.Column("n_words", sa.Integer(), nullable=False),
        sa.Column("duplicate_of", sa.Integer(), nullable=True),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["duplicate_of"],
            ["articles.id"],
            name=op.f("fk_articles_duplicate_of_articles"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_articles_content_hash")),
    )
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_articles_date"), ["date"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_articles_duplicate_of"), ["duplicate_of"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_articles_outlet"), ["outlet"], unique=False)

    op.create_table(
        "store_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_store_meta")),
    )
    op.create_table(
        "analyses",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("analyzer_version", sa.String(length=200), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_analyses_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analyses")),
        sa.UniqueConstraint(
            "content_hash",
            "analyzer_version",
            name=op.f("uq_analyses_content_hash_analyzer_version"),
        ),
    )
    with op.batch_alter_table("analyses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_analyses_analyzer_version"), ["analyzer_version"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_analyses_article_id"), ["article_id"], unique=False)

    op.create_table(
        "exact_duplicates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_format", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=True),
        sa.Column("outlet", sa.String(length=255), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("date", sa.String(length=32), nullable=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_exact_duplicates_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exact_duplicates")),
        sa.UniqueConstraint(
            "article_id", "source", name=op.f("uq_exact_duplicates_article_id_source")
        ),
    )
    with op.batch_alter_table("exact_duplicates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exact_duplicates_article_id"), ["article_id"], unique=False
        )

    op.create_table(
        "failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("analyzer_version", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_failures_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_failures")),
        sa.UniqueConstraint(
            "article_id", "analyzer_version", name=op.f("uq_failures_article_id_analyzer_version")
        ),
    )
    with op.batch_alter_table("failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_failures_article_id"), ["article_id"], unique=False)

    op.create_table(
        "minhash_bands",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_minhash_bands_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "band", name=op.f("pk_minhash_bands")),
    )
    with op.batch_alter_table("minhash_bands", schema=None) as batch_op:
        batch_op.create_index("ix_minhash_bands_bucket", ["bucket", "band"], unique=False)

    op.create_table(
        "near_duplicates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("duplicate_of", sa.Integer(), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("cross_outlet", sa.Boolean(), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_near_duplicates_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of"],
            ["articles.id"],
            name=op.f("fk_near_duplicates_duplicate_of_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_near_duplicates")),
        sa.UniqueConstraint(
            "article_id", "duplicate_of", name=op.f("uq_near_duplicates_article_id_duplicate_of")
        ),
    )
    with op.batch_alter_table("near_duplicates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_near_duplicates_article_id"), ["article_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_near_duplicates_duplicate_of"), ["duplicate_of"], unique=False
        )

    op.create_table(
        "actors",
        sa.Column("actor_key", sa.String(length=32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=64), nullable=True),
        sa.Column("country", sa.String(length=8), nullable=True),
        sa.Column("gender", sa.String(length=16), nullable=False),
        sa.Column("side", sa.String(length=255), nullable=True),
        sa.Column("quoted", sa.Boolean(), nullable=False),
        sa.Column("quote_count", sa.Integer(), nullable=False),
        sa.Column("quoted_words", sa.Integer(), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.Column("first_start", sa.Integer(), nullable=True),
        sa.Column("tone_score", sa.Float(), nullable=True),
        sa.Column("tone_label", sa.String(length=16), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("analysis_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["analysis_id"],
            ["analyses.id"],
            name=op.f("fk_actors_analysis_id_analyses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_actors_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actors")),
        sa.UniqueConstraint(
            "analysis_id", "actor_key", name=op.f("uq_actors_analysis_id_actor_key")
        ),
    )
    with op.batch_alter_table("actors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actors_analysis_id"), ["analysis_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_actors_article_id"), ["article_id"], unique=False)

    op.create_table(
        "events",
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=True),
        sa.Column("end", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=16), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("plover", sa.String(length=64), nullable=True),
        sa.Column("goldstein", sa.Float(), nullable=True),
        sa.Column("quad", sa.String(length=32), nullable=True),
        sa.Column("mode", sa.String(length=32), nullable=True),
        sa.Column("source_text", sa.Text(), nullable=True),
        sa.Column("source_code", sa.String(length=64), nullable=True),
        sa.Column("source_actor", sa.String(length=32), nullable=True),
        sa.Column("target_text", sa.Text(), nullable=True),
        sa.Column("target_code", sa.String(length=64), nullable=True),
        sa.Column("target_actor", sa.String(length=32), nullable=True),
        sa.Column("claimed_by", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("analysis_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["analysis_id"],
            ["analyses.id"],
            name=op.f("fk_events_analysis_id_analyses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_events_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_analysis_id"), ["analysis_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_article_id"), ["article_id"], unique=False)

    op.create_table(
        "findings",
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("analysis_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["analysis_id"],
            ["analyses.id"],
            name=op.f("fk_findings_analysis_id_analyses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_findings_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
    )
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_findings_analysis_id"), ["analysis_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_findings_article_id"), ["article_id"], unique=False)

    op.create_table(
        "indicators",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("analysis_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["analysis_id"],
            ["analyses.id"],
            name=op.f("fk_indicators_analysis_id_analyses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_indicators_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators")),
        sa.UniqueConstraint("analysis_id", "name", name=op.f("uq_indicators_analysis_id_name")),
    )
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_indicators_analysis_id"), ["analysis_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_indicators_article_id"), ["article_id"], unique=False)

    op.create_table(
        "quotes",
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("n_words", sa.Integer(), nullable=False),
        sa.Column("cue_start", sa.Integer(), nullable=True),
        sa.Column("cue_end", sa.Integer(), nullable=True),
        sa.Column("cue_text", sa.Text(), nullable=True),
        sa.Column("speaker_start", sa.Integer(), nullable=True),
        sa.Column("speaker_end", sa.Integer(), nullable=True),
        sa.Column("speaker_text", sa.Text(), nullable=True),
        sa.Column("actor_key", sa.String(length=32), nullable=True),
        sa.Column("actor_name", sa.Text(), nullable=True),
        sa.Column("side", sa.String(length=255), nullable=True),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("analysis_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["analysis_id"],
            ["analyses.id"],
            name=op.f("fk_quotes_analysis_id_analyses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_quotes_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quotes")),
    )
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quotes_analysis_id"), ["analysis_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quotes_article_id"), ["article_id"], unique=False)

    op.create_table(
        "sides",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("actors", sa.Integer(), nullable=False),
        sa.Column("quotes", sa.Integer(), nullable=False),
        sa.Column("quoted_words", sa.Integer(), nullable=False),
        sa.Column("share", sa.Float(), nullable=True),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.Column("heard", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("analysis_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["analysis_id"],
            ["analyses.id"],
            name=op.f("fk_sides_analysis_id_analyses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_sides_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sides")),
    )
    with op.batch_alter_table("sides", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sides_analysis_id"), ["analysis_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sides_article_id"), ["article_id"], unique=False)


def downgrade() -> None:
    for table in (
        "sides",
        "quotes",
        "indicators",
        "findings",
        "events",
        "actors",
        "near_duplicates",
        "minhash_bands",
        "failures",
        "exact_duplicates",
        "analyses",
        "store_meta",
        "articles",
    ):
        op.drop_table(table)
