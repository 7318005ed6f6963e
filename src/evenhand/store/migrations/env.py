"""Alembic environment for the corpus store.

evenhand runs its migrations itself (``evenhand.store.open_store``), on a connection it has
already opened and put in a transaction, passed in ``config.attributes["connection"]``: no
alembic.ini is needed. To write a new revision by hand, copy the newest file in
``versions/``, give it the next number as ``revision`` and the current head as
``down_revision`` (see docs/store.md).
"""

from __future__ import annotations

from alembic import context

from evenhand.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only evenhand's own runner is supported
    raise RuntimeError("evenhand's migrations run through evenhand.store.open_store()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things in place: later revisions use batch mode there.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
