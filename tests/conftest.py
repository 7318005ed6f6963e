"""Shared fixtures.

* ``nlp``: the spaCy pipeline with evenhand's components, loaded once per session. Tests
  that use it are marked ``slow`` automatically (they still run in ``make test``; deselect
  them with ``-m 'not slow'``).
* ``shared_dir`` / ``seed_article``: ``../shared`` beside the checkout and the seed article
  in it; tests that use them are skipped when it is absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from spacy.language import Language

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLE = ROOT / "examples" / "example_article.txt"


@pytest.fixture(scope="session")
def nlp() -> Language:
    import evenhand

    return evenhand.load_pipeline()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent")
    return SHARED


@pytest.fixture(scope="session")
def seed_article(shared_dir: Path) -> Path:
    path = shared_dir / "data" / "seed" / "article.txt"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return path


@pytest.fixture(scope="session")
def example_article() -> Path:
    return EXAMPLE


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "nlp" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


# --- PostgreSQL for the store tests (issue 5) -----------------------------------------------
#
# ``pg_server_url``: a PostgreSQL server for the session: $EVENHAND_TEST_PG_URL when set,
# else a throwaway server started here with initdb + pg_ctl (as the postgres user when run
# as root) on a temporary folder and a free port, stopped at the end. Without the binaries
# the PostgreSQL tests skip, unless EVENHAND_REQUIRE_PG=1 (CI), when they fail.
# ``store_url``: a fresh, empty database per test, parametrised over sqlite and postgresql.


def _pg_bindir() -> Path | None:
    import glob
    import shutil

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pg_unavailable(reason: str) -> None:
    import os

    if os.environ.get("EVENHAND_REQUIRE_PG") == "1":
        pytest.fail(f"PostgreSQL required (EVENHAND_REQUIRE_PG=1) but {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def pg_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import os
    import shutil
    import subprocess
    import tempfile

    given = os.environ.get("EVENHAND_TEST_PG_URL")
    if given:
        yield given
        return
    bindir = _pg_bindir()
    if bindir is None:
        _pg_unavailable("no PostgreSQL server binaries (initdb, pg_ctl) found")
        return
    root = os.geteuid() == 0
    # the postgres user must be able to reach the folder: not under root's private tmp
    folder = Path(tempfile.mkdtemp(prefix="evenhand-pg-"))
    run_as: list[str] = []
    if root:
        if shutil.which("runuser") is None:
            _pg_unavailable("running as root without runuser to start the server as postgres")
        shutil.chown(folder, user="postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    data = folder / "data"
    try:
        subprocess.run([*run_as, str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                        "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"],
                       check=True, capture_output=True, timeout=120)
        subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-l",
                        str(folder / "pg.log"), "-w", "-t", "60", "-o",
                        f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} "
                        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                        "start"], check=True, capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as exc:
        log = folder / "pg.log"
        detail = getattr(exc, "stderr", b"") or b""
        shutil.rmtree(folder, ignore_errors=True)
        _pg_unavailable(f"the throwaway server did not start: {exc} "
                        f"{detail.decode(errors='replace')[-300:]} "
                        f"{log.read_text(errors='replace')[-300:] if log.exists() else ''}")
        return
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast",
                        "-w", "stop"], capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database on the session's server, dropped after the test."""
    import uuid

    import psycopg
    from sqlalchemy.engine import make_url

    server = make_url(pg_server_url)
    name = f"evenhand_test_{uuid.uuid4().hex[:12]}"
    conninfo = (f"host={server.host} port={server.port or 5432} "
                f"user={server.username or 'postgres'} dbname={server.database or 'postgres'}"
                + (f" password={server.password}" if server.password else ""))
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store URL on each backend: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'evenhand.db'}"
    return str(request.getfixturevalue("pg_url"))
