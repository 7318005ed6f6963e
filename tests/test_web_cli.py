"""`evenhand user add` / `user token` (the newsroom app's accounts) and `evenhand serve`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from typer.testing import CliRunner

from evenhand import cli
from evenhand.store import open_store
from evenhand.web.auth import authenticate, list_users, user_for_token

runner = CliRunner()


def test_user_add_and_token(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'users.db'}"
    secret = tmp_path / "pw"
    secret.write_text("a long enough password\n", encoding="utf-8")
    r = runner.invoke(cli.app, ["user", "add", "ada", "--role", "admin", "--password-file",
                                str(secret), "--db", db])
    assert r.exit_code == 0, r.output
    assert "user ada added (admin)" in r.stderr
    r = runner.invoke(cli.app, ["user", "add", "ada", "--password-file", str(secret),
                                "--db", db])
    assert r.exit_code == 1 and "already exists" in r.stderr and "Traceback" not in r.output
    (tmp_path / "short").write_text("short\n", encoding="utf-8")
    r = runner.invoke(cli.app, ["user", "add", "bob", "--password-file",
                                str(tmp_path / "short"), "--db", db])
    assert r.exit_code == 1 and "at least 10 characters" in r.stderr
    r = runner.invoke(cli.app, ["user", "add", "bob", "--role", "owner", "--password-file",
                                str(secret), "--db", db])
    assert r.exit_code == 2  # not a role: a usage error
    r = runner.invoke(cli.app, ["user", "add", "eve", "--password-file", "-", "--db", db],
                      input="from standard input\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli.app, ["user", "add", "zed", "--db", db],
                      input="typed at the prompt\ntyped at the prompt\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli.app, ["user", "token", "ada", "--label", "ci", "--db", db])
    assert r.exit_code == 0 and r.stdout.startswith("eh_")
    token = r.stdout.strip()
    r = runner.invoke(cli.app, ["user", "token", "nobody", "--db", db])
    assert r.exit_code == 1 and "no user 'nobody'" in r.stderr
    store = open_store(db)
    try:
        assert [(u.name, u.role) for u in list_users(store)] == [
            ("ada", "admin"), ("eve", "editor"), ("zed", "editor")]
        assert authenticate(store, "eve", "from standard input") is not None
        assert authenticate(store, "zed", "typed at the prompt") is not None
        assert authenticate(store, "ada", "wrong password!") is None
        user = user_for_token(store, token)
        assert user is not None and user.name == "ada"
    finally:
        store.close()


def test_serve_answers_on_the_port(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-c", "from evenhand.cli import app; app(prog_name='evenhand')",
         "serve", "--db", f"sqlite:///{tmp_path / 'serve.db'}", "--port", str(port)],
        env={**os.environ, "EVENHAND_SECRET_KEY": "serve-test-secret-0123456789"},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz",
                                            timeout=2) as r:
                    assert r.status == 200 and b'"store":true' in r.read()
                    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "evenhand serve did not start"
                time.sleep(0.3)
    finally:
        proc.terminate()
        proc.wait(20)
    r = runner.invoke(cli.app, ["serve", "--db", "mysql://nowhere/x"])
    assert r.exit_code == 1 and "unsupported database" in r.stderr
