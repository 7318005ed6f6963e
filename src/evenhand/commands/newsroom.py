"""``evenhand serve`` and ``evenhand user ...``: the newsroom app (logic in evenhand.web)."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError
from ._shared import (
    DbOption,
    ModelOption,
    app,
    err,
    guard,
)

# --- serve and user (the newsroom app; logic in evenhand.web) -------------------------------

user_app = typer.Typer(name="user", no_args_is_help=True,
                       help="Editor accounts and API tokens of the newsroom app.")
app.add_typer(user_app, name="user")


class Role(StrEnum):
    editor = "editor"
    admin = "admin"


@app.command("serve", epilog="Exit status: 0 when stopped; 1 when the store cannot be opened "
             "or a setting is invalid.")
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535,
                                      help="Port to listen on.")] = 8000,
    cors_origin: Annotated[list[str] | None, typer.Option(
        "--cors-origin", metavar="ORIGIN", show_default=False,
        help="A publisher origin (https://news.example) allowed to embed the report button "
             "(adds to $EVENHAND_CORS_ORIGINS); repeatable.")] = None,
    insecure_cookies: Annotated[bool, typer.Option(
        "--insecure-cookies",
        help="Send session cookies over plain HTTP too (local development only).")] = False,
    model: ModelOption = None,
) -> None:
    """Serve the newsroom app: analyse pages, articles, reader bias reports, editor triage
    and the JSON API (OpenAPI at /openapi.json); see docs/web.md.

    Settings come from EVENHAND_* variables (EVENHAND_SECRET_KEY signs sessions: set it,
    or sessions end when the server stops; EVENHAND_REPORT_RATE_LIMIT, ...).
    """
    with guard():
        from ..store import open_store
        from ..web import WebSettings, create_app
        from ..web.server import serve as serve_app

        settings = WebSettings.from_env(model=model)
        if cors_origin:
            settings = settings.with_(cors_origins=(*settings.cors_origins, *cors_origin))
        if insecure_cookies:
            settings = settings.with_(cookie_secure=False)
        if not os.environ.get("EVENHAND_SECRET_KEY"):
            err("EVENHAND_SECRET_KEY is not set: a random key is used, so editors are "
                 "signed out when the server stops")
        store = open_store(db)
        try:
            # the access log shows a salted hash in place of each client's address
            serve_app(create_app(store, settings), host=host, port=port)
        finally:
            store.close()


def _read_password(password_file: Path | None, name: str) -> str:
    if password_file is None:
        return str(typer.prompt(f"Password for {name}", hide_input=True,
                                confirmation_prompt=True))
    try:
        raw = sys.stdin.read() if str(password_file) == "-" else password_file.read_text(
            encoding="utf-8")
    except OSError as exc:
        raise InputError(str(password_file), exc.strerror or "cannot read") from exc
    lines = raw.splitlines()
    return lines[0] if lines else ""


@user_app.command("add", epilog="Exit status: 0 when the account was made; 1 for a name "
                  "already taken, a bad role or a password under 10 characters.")
def user_add(
    name: Annotated[str, typer.Argument(help="The editor's sign-in name.")],
    role: Annotated[Role, typer.Option("--role", case_sensitive=False,
                                       help="editor: triage; admin: also users and the "
                                            "audit log.")] = Role.editor,
    password_file: Annotated[Path | None, typer.Option(
        "--password-file", metavar="FILE", show_default=False,
        help="Read the password from the first line of FILE (- for standard input) "
             "instead of prompting.")] = None,
    db: DbOption = None,
) -> None:
    """Add an editor account to the newsroom app (password hashed with argon2)."""
    with guard():
        from ..store import open_store
        from ..web.auth import add_user

        password = _read_password(password_file, name)
        store = open_store(db)
        try:
            user = add_user(store, name, password, role.value)
        finally:
            store.close()
        err(f"user {user.name} added ({user.role})")


@user_app.command("token", epilog="Exit status: 0 when the token was made; 1 for an unknown "
                  "user.")
def user_token(
    name: Annotated[str, typer.Argument(help="The user the token acts for.")],
    label: Annotated[str, typer.Option("--label", help="What the token is for.")] = "cli",
    db: DbOption = None,
) -> None:
    """Create an API token for a user and print it (it is shown only once)."""
    with guard():
        from ..errors import NotFoundError
        from ..store import open_store
        from ..web.auth import create_token, list_users

        store = open_store(db)
        try:
            user = next((u for u in list_users(store) if u.name == name), None)
            if user is None:
                raise NotFoundError(f"no user {name!r}")
            token, _ = create_token(store, user.id, label)
        finally:
            store.close()
        typer.echo(token)
