"""The command line (evenhand.cli): commands, formats, streaming, bad input, exit status.

Tests that analyse text use the spaCy pipeline and are marked slow; the bad-input, help,
streaming and exit-status tests run without it (inputs that fail never load the pipeline,
and the streaming tests put a stand-in for analyze_many).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

import evenhand
from evenhand import cli
from evenhand.article import Article
from evenhand.commands import _shared as cli_shared
from evenhand.errors import PipelineError
from evenhand.report import Report

runner = CliRunner()
SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "data" / "seed" / "article.txt"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "example_article.txt"
PROG = [sys.executable, "-c", "from evenhand.cli import app; app(prog_name='evenhand')"]

REPORT_KEYS = {"schema", "id", "title", "quotes", "actors", "warnings"}
QUOTE_KEYS = {"start", "end", "text", "kind", "cue", "speaker", "actor"}
ACTOR_KEYS = {"id", "name", "type", "mentions"}

SPANISH = (
    "El ayuntamiento de la ciudad aprobó ayer por la tarde un nuevo plan para el puerto, "
    "después de meses de discusiones entre los vecinos y las empresas de la zona. La "
    "alcaldesa explicó que las obras comenzarán en otoño y que durarán dos años. Los "
    "pescadores, por su parte, creen que el proyecto pone en peligro su trabajo y han "
    "pedido una reunión con el gobierno regional antes de que se firme el contrato."
)
SENTENCES = [
    "The regional council met on Monday to discuss the budget for the coming year.",
    "“We cannot afford another delay,” the treasurer, Paul Mendes, told reporters.",
    "Officials said that the full plan would be published next month.",
    "According to the finance office, spending on roads rose by four percent.",
    "Residents were divided over the proposal, and several groups asked for more time.",
]


def invoke(*args: str, input: str | bytes | None = None) -> Result:
    return runner.invoke(cli.app, list(args), input=input)


def err_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output
    assert "Traceback" not in result.stderr
    exc = result.exception
    assert exc is None or isinstance(exc, SystemExit), exc


def jsonl(result: Result) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def write_jsonl(path: Path, rows: Iterable[dict[str, Any] | str]) -> Path:
    lines = (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def cli_nlp(nlp: Any) -> Any:
    """Make the CLI use the session's pipeline instead of loading its own."""
    cli._PIPELINES[None] = nlp
    return nlp


@pytest.fixture
def no_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the CLI loads the pipeline (inputs that fail must not need it)."""
    def refuse(name: str | None) -> Any:
        raise AssertionError("the pipeline was loaded")

    monkeypatch.setattr(cli, "_pipeline", refuse)
    monkeypatch.setattr(cli_shared, "pipeline", refuse)  # the other commands' loader


# --- version and help -----------------------------------------------------------------------

def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"evenhand {evenhand.__version__}"
    assert re.fullmatch(r"evenhand \d+\.\d+\.\d+\S*", result.stdout.strip())


def test_version_console_script() -> None:
    proc = subprocess.run([*PROG, "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"evenhand {evenhand.__version__}"


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[
        tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in (getattr(command, "commands", None) or {}).items():
        yield from _commands(sub, (*path, name))


ALL_COMMANDS = list(_commands(typer.main.get_command(cli.app)))


def test_every_expected_command_is_registered() -> None:
    paths = {" ".join(path) for path, _ in ALL_COMMANDS}
    assert {"", "analyze", "eval", "eval quotes", "ingest", "export"} <= paths


@pytest.mark.parametrize(("path", "command"), ALL_COMMANDS,
                         ids=[" ".join(p) or "evenhand" for p, _ in ALL_COMMANDS])
def test_help_for_every_command(path: tuple[str, ...], command: Any) -> None:
    assert command.help and command.help.strip(), f"{path} has no help text"
    result = invoke(*path, "--help")
    assert result.exit_code == 0, result.output
    flat = " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.stdout).split())
    first_words = " ".join(command.help.split()[:5])
    assert first_words in flat
    assert "Usage:" in flat


def test_no_arguments_shows_help() -> None:
    result = invoke()
    assert "Usage:" in result.output
    assert "analyze" in result.output


def test_usage_error_exit_status_is_2() -> None:
    assert invoke("analyze", "x.txt", "--format", "xml").exit_code == 2
    assert invoke("analyze").exit_code == 2


# --- bad input: one stderr line each, no traceback, no pipeline -----------------------------

BAD_INPUTS: dict[str, tuple[bytes, str]] = {
    "empty.txt": (b"", "empty file"),
    "blank.txt": (b"  \n\n\t \n", "contains only whitespace"),
    "image.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
                  "binary content"),
    "latin1.txt": ("Le café est fermé, a dit le maire.".encode("latin-1"),
                   "invalid UTF-8 at byte"),
}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_input_one_line(name: str, tmp_path: Path, no_pipeline: None) -> None:
    content, problem = BAD_INPUTS[name]
    path = tmp_path / name
    path.write_bytes(content)
    result = invoke("analyze", str(path))
    no_traceback(result)
    assert result.exit_code == 1
    lines = err_lines(result)
    assert len(lines) == 2, lines
    assert lines[0].startswith(f"evenhand: {path}: {problem}")
    assert lines[1] == "evenhand: 1 of 1 inputs failed"
    assert result.stdout == ""


def test_missing_path(tmp_path: Path, no_pipeline: None) -> None:
    path = tmp_path / "nope.txt"
    result = invoke("analyze", str(path), "--format", "json")
    no_traceback(result)
    assert result.exit_code == 1
    assert err_lines(result) == [f"evenhand: {path}: no such file",
                                 "evenhand: 1 of 1 inputs failed"]
    assert result.stdout == ""  # one input: no object, no array


def test_directory(tmp_path: Path, no_pipeline: None) -> None:
    result = invoke("analyze", str(tmp_path))
    assert err_lines(result)[0] == f"evenhand: {tmp_path}: is a directory"
    assert result.exit_code == 1


def test_20_mb_text_is_refused_without_reading_it(tmp_path: Path, no_pipeline: None) -> None:
    path = tmp_path / "huge.txt"
    sentence = (" ".join(SENTENCES) + "\n").encode("utf-8")
    with path.open("wb") as f:
        for _ in range(20_000_000 // len(sentence) + 1):
            f.write(sentence)
    assert path.stat().st_size >= 20_000_000
    result = invoke("analyze", str(path))
    no_traceback(result)
    assert result.exit_code == 1
    lines = err_lines(result)
    assert len(lines) == 2, lines
    assert re.match(rf"evenhand: {re.escape(str(path))}: 20\.\d MB of text exceeds the "
                    r"1,000,000-character limit", lines[0])


def test_max_chars_option(tmp_path: Path, no_pipeline: None) -> None:
    path = tmp_path / "a.txt"
    path.write_text(" ".join(SENTENCES), encoding="utf-8")
    result = invoke("analyze", str(path), "--max-chars", "100")
    assert result.exit_code == 1
    assert "exceeds the 100-character limit" in err_lines(result)[0]


def test_several_bad_inputs_count_and_go_on(tmp_path: Path, no_pipeline: None) -> None:
    paths = []
    for name, (content, _) in BAD_INPUTS.items():
        (tmp_path / name).write_bytes(content)
        paths.append(str(tmp_path / name))
    paths.append(str(tmp_path / "missing.txt"))
    result = invoke("analyze", *paths, "--format", "json")
    no_traceback(result)
    assert result.exit_code == 5
    lines = err_lines(result)
    assert [line.split(": ")[1] for line in lines[:-1]] == paths  # in input order
    assert lines[-1] == "evenhand: 5 of 5 inputs failed"
    assert json.loads(result.stdout) == []  # several inputs: an array, here empty


def test_exit_status_is_capped_at_100(tmp_path: Path, no_pipeline: None) -> None:
    path = write_jsonl(tmp_path / "bad.jsonl", ["{not json"] * 150)
    result = invoke("analyze", str(path), "--format", "jsonl")
    assert result.exit_code == 100
    assert err_lines(result)[-1] == "evenhand: 150 of 150 inputs failed"
    assert err_lines(result)[0].startswith(f"evenhand: {path}:1: invalid JSON")


def test_unwritable_output(tmp_path: Path, no_pipeline: None) -> None:
    target = tmp_path / "no" / "such" / "dir" / "out.json"
    result = invoke("analyze", str(EXAMPLE), "--output", str(target))
    no_traceback(result)
    assert result.exit_code == 1
    assert err_lines(result) == [f"evenhand: {target}: cannot write: No such file or directory"]


def test_stdin_terminal_is_refused_not_waited_on() -> None:
    import pty

    controller, terminal = pty.openpty()
    try:
        proc = subprocess.run([*PROG, "analyze", "-"], stdin=terminal, capture_output=True,
                              text=True, timeout=60)
    finally:
        os.close(terminal)
        os.close(controller)
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert lines[0].startswith("evenhand: <stdin>: standard input is a terminal")
    assert lines[1] == "evenhand: 1 of 1 inputs failed"


def test_internal_error_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Iterator[Any]:
        raise RuntimeError("something\nbroke")

    monkeypatch.setattr(cli, "iter_articles", broken)
    result = invoke("analyze", str(EXAMPLE))
    no_traceback(result)
    assert result.exit_code == cli.EXIT_INTERNAL
    assert err_lines(result) == ["evenhand: internal error: RuntimeError: something broke "
                                 "(run `evenhand --debug ...` for the traceback)"]


def test_debug_lets_the_traceback_through(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Iterator[Any]:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "iter_articles", broken)
    result = invoke("--debug", "analyze", str(EXAMPLE))
    assert isinstance(result.exception, RuntimeError)
    assert invoke("analyze", str(EXAMPLE)).exit_code == cli.EXIT_INTERNAL  # flag not sticky


def test_unknown_model_is_one_line(tmp_path: Path) -> None:
    result = invoke("analyze", str(EXAMPLE), "--model", "no_such_pipeline_xyz")
    no_traceback(result)
    assert result.exit_code == 1
    lines = err_lines(result)
    assert len(lines) == 1
    assert lines[0].startswith("evenhand: cannot load spaCy pipeline 'no_such_pipeline_xyz'")


# --- streaming, with a stand-in for analyze_many --------------------------------------------

class FakeAnalysis:
    """Stands in for analyze_many: reads its input in batches like nlp.pipe, records how
    far the input had been read when each report was written, and can fail a batch."""

    def __init__(self, batch: int = 8, fail_id: str | None = None) -> None:
        self.batch = batch
        self.fail_id = fail_id
        self.read = 0  # articles pulled from the CLI so far
        self.read_at_write: list[int] = []

    def __call__(self, items: Iterable[Article], nlp: Any = None,
                 sides: Any = None) -> Iterator[Report]:
        it = iter(items)
        while True:
            batch = []
            for article in it:
                self.read += 1
                batch.append(article)
                if len(batch) == self.batch:
                    break
            if not batch:
                return
            if any(a.id == self.fail_id for a in batch):
                raise PipelineError("the parser gave up")
            for a in batch:
                yield Report(id=a.id, title=a.title, quotes=[], actors=[], source=a.source)

    def writer(self, real: Any) -> Any:
        def make(*args: Any, **kwargs: Any) -> Any:
            inner = real(*args, **kwargs)
            fake = self

            class Recording:
                def write(self, report: Report, text: str | None = None) -> None:
                    fake.read_at_write.append(fake.read)
                    inner.write(report, text)

                def close(self) -> None:
                    inner.close()

            return Recording()

        return make


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeAnalysis:
    fake = FakeAnalysis()
    monkeypatch.setattr(cli, "analyze_many", fake)
    monkeypatch.setattr(cli, "_pipeline", lambda name: object())
    monkeypatch.setattr(cli, "make_writer", fake.writer(cli.make_writer))
    return fake


def test_a_thousand_articles_stream(tmp_path: Path, fake: FakeAnalysis) -> None:
    rows = [{"id": f"n{i}", "text": SENTENCES[i % len(SENTENCES)]} for i in range(1000)]
    path = write_jsonl(tmp_path / "many.jsonl", rows)
    result = invoke("analyze", str(path), "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    assert [r["id"] for r in jsonl(result)] == [f"n{i}" for i in range(1000)]
    # each report was written while the input was still being read, a batch ahead at most
    assert len(fake.read_at_write) == 1000
    assert all(read - i <= fake.batch for i, read in enumerate(fake.read_at_write, 1))


def test_failures_interleave_in_input_order(tmp_path: Path, fake: FakeAnalysis) -> None:
    rows: list[dict[str, Any] | str] = [{"id": "a", "text": SENTENCES[0]}, "{oops",
                                        {"id": "b", "text": SENTENCES[1]}, {"text": 3}]
    path = write_jsonl(tmp_path / "mixed.jsonl", rows)
    result = invoke("analyze", str(path), "--format", "jsonl")
    assert [r["id"] for r in jsonl(result)] == ["a", "b"]
    assert err_lines(result) == [
        f"evenhand: {path}:2: invalid JSON: Expecting property name enclosed in double "
        "quotes (column 2)",
        f'evenhand: {path}:4: "text" is a number, not a string',
        "evenhand: 2 of 4 inputs failed",
    ]
    assert result.exit_code == 2


def test_an_analysis_error_fails_only_its_article(tmp_path: Path, fake: FakeAnalysis) -> None:
    fake.fail_id = "n13"
    rows = [{"id": f"n{i}", "text": SENTENCES[i % len(SENTENCES)]} for i in range(30)]
    path = write_jsonl(tmp_path / "many.jsonl", rows)
    result = invoke("analyze", str(path), "--format", "jsonl")
    no_traceback(result)
    assert [r["id"] for r in jsonl(result)] == [f"n{i}" for i in range(30) if i != 13]
    assert err_lines(result) == [f"evenhand: {path}:14: the parser gave up",
                                 "evenhand: 1 of 30 inputs failed"]
    assert result.exit_code == 1


def test_an_error_not_tied_to_an_article_stops_the_run(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(items: Iterable[Article], nlp: Any = None,
               sides: Any = None) -> Iterator[Report]:
        raise PipelineError("the pipeline is unusable")
        yield  # a generator, like analyze_many

    monkeypatch.setattr(cli, "analyze_many", refuse)
    monkeypatch.setattr(cli, "_pipeline", lambda name: object())
    path = write_jsonl(tmp_path / "a.jsonl", [{"text": s} for s in SENTENCES])
    result = invoke("analyze", str(path), "-f", "jsonl")
    no_traceback(result)
    assert result.exit_code == 1
    # the first article is retried alone (and fails); then nothing more is read
    assert err_lines(result) == [f"evenhand: {path}:1: the pipeline is unusable",
                                 "evenhand: the pipeline is unusable"]


def test_json_shape_follows_the_inputs(tmp_path: Path, fake: FakeAnalysis) -> None:
    one = tmp_path / "one.txt"
    one.write_text(SENTENCES[0], encoding="utf-8")
    assert isinstance(json.loads(invoke("analyze", str(one), "-f", "json").stdout), dict)
    two = invoke("analyze", str(one), str(tmp_path / "missing.txt"), "-f", "json")
    assert [r["id"] for r in json.loads(two.stdout)] == [str(one)]
    assert two.exit_code == 1
    lines = write_jsonl(tmp_path / "l.jsonl", [{"text": SENTENCES[0]}, {"text": SENTENCES[1]}])
    assert len(json.loads(invoke("analyze", str(lines), "-f", "json").stdout)) == 2


def test_reports_without_an_id_take_the_input_name(tmp_path: Path, fake: FakeAnalysis) -> None:
    one = tmp_path / "one.txt"
    one.write_text(SENTENCES[0], encoding="utf-8")
    rows = write_jsonl(tmp_path / "l.jsonl", [{"text": SENTENCES[0]}, {"id": 7, "text": "x"}])
    result = invoke("analyze", str(one), str(rows), "-f", "jsonl")
    assert [r["id"] for r in jsonl(result)] == [str(one), f"{rows}:1", "7"]


# --- analysing the example article ----------------------------------------------------------

def check_offsets(report: dict[str, Any], text: str) -> None:
    for q in report["quotes"]:
        assert text[q["start"]:q["end"]] == q["text"]
        for key in ("cue", "speaker"):
            if q[key] is not None:
                assert text[q[key]["start"]:q[key]["end"]] == q[key]["text"]
    for a in report["actors"]:
        for start, end in a["mentions"]:
            assert 0 <= start < end <= len(text)


@pytest.mark.usefixtures("cli_nlp")
def test_analyze_example_text() -> None:
    result = invoke("analyze", str(EXAMPLE))
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Harbour town backs offshore wind farm" in out
    assert f"source: {EXAMPLE}" in out
    for needle in ("set aside:", "headline", "boilerplate", "Quotes", "Actors",
                   "Margaret Okafor", "Tom Brennan", "Northwind Energy"):
        assert needle in out
    assert "\x1b[" not in out  # not a terminal: no colour


@pytest.mark.usefixtures("cli_nlp")
def test_analyze_example_text_to_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    result = invoke("analyze", str(EXAMPLE), "--output", str(target))
    assert result.exit_code == 0
    assert result.stdout == ""
    text = target.read_text(encoding="utf-8")
    assert "Margaret Okafor" in text and "\x1b[" not in text


@pytest.mark.usefixtures("cli_nlp")
def test_analyze_example_json() -> None:
    result = invoke("analyze", str(EXAMPLE), "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert isinstance(report, dict)
    assert report.keys() >= REPORT_KEYS
    assert report["schema"] == "evenhand/report-1"
    assert report["id"] == str(EXAMPLE)
    assert report["quotes"] and report["actors"]
    for q in report["quotes"]:
        assert q.keys() >= QUOTE_KEYS
        assert q["kind"] in {"direct", "indirect", "mixed"}
    for a in report["actors"]:
        assert a.keys() >= ACTOR_KEYS
    ids = {a["id"] for a in report["actors"]}
    assert all(q["actor"] in ids for q in report["quotes"] if q["actor"])
    check_offsets(report, EXAMPLE.read_text(encoding="utf-8"))


@pytest.mark.usefixtures("cli_nlp")
def test_analyze_example_jsonl_and_json_agree(tmp_path: Path) -> None:
    copy = tmp_path / "copy.txt"
    copy.write_bytes(EXAMPLE.read_bytes())
    result = invoke("analyze", str(EXAMPLE), str(copy), "--format", "jsonl")
    assert result.exit_code == 0
    reports = jsonl(result)
    assert [r["id"] for r in reports] == [str(EXAMPLE), str(copy)]
    assert reports[0]["quotes"] == reports[1]["quotes"]
    single = json.loads(invoke("analyze", str(EXAMPLE), "-f", "json").stdout)
    assert single["quotes"] == reports[0]["quotes"]


def in_any(start: int, end: int, regions: list[tuple[int, int]]) -> bool:
    return any(start < re_ and rs < end for rs, re_ in regions)


def set_aside_regions(text: str, footer: str) -> list[tuple[int, int]]:
    """The headline, its repeat and the footer, found from the text itself."""
    headline = text.split("\n", 1)[0]
    repeat = text.index(headline, len(headline))
    foot = text.index(footer)
    return [(0, len(headline)), (repeat, repeat + len(headline)), (foot, len(text))]


def assert_nothing_in(report: dict[str, Any], regions: list[tuple[int, int]]) -> None:
    text_spans = []
    for q in report["quotes"]:
        text_spans.append(("quote", q["text"], q["start"], q["end"]))
        for key in ("cue", "speaker"):
            if q[key]:
                text_spans.append((key, q[key]["text"], q[key]["start"], q[key]["end"]))
    for a in report["actors"]:
        text_spans.extend(("mention of " + a["name"], "", s, e) for s, e in a["mentions"])
    inside = [(what, t[:60]) for what, t, s, e in text_spans if in_any(s, e, regions)]
    assert not inside, inside


@pytest.mark.usefixtures("cli_nlp")
def test_example_nothing_found_in_headline_repeat_or_footer() -> None:
    # The headline itself is read for attributions ("Town backs plan"), as PolNeAR annotates
    # them; its repeat (the same words again) and the outlet's footer are not.
    text = EXAMPLE.read_text(encoding="utf-8")
    report = json.loads(invoke("analyze", str(EXAMPLE), "-f", "json").stdout)
    headline, repeat, footer = set_aside_regions(text, "Balanced journalism")
    assert_nothing_in(report, [repeat, footer])
    for q in report["quotes"]:  # a headline attribution stays inside the headline
        if q["start"] < headline[1]:
            assert q["end"] <= headline[1], q


def attributions(report: dict[str, Any]) -> list[tuple[str, str | None, str | None]]:
    """(start of the quote, speaker text, actor name) for each quote."""
    names = {a["id"]: a["name"] for a in report["actors"]}
    return [(" ".join(q["text"].split())[:25], q["speaker"] and q["speaker"]["text"],
             names.get(q["actor"])) for q in report["quotes"]]


EXAMPLE_ATTRIBUTIONS = [  # (a phrase of the quote, speaker text or None for any, actor name)
    ("the biggest investment", None, "Margaret Okafor"),
    ("It will bring jobs", None, "Margaret Okafor"),  # same paragraph, same speaker
    ("ignored the maps", "Tom Brennan", "Tom Brennan"),  # "X said that ..."
    ("We were told", "he", "Tom Brennan"),  # straight marks, pronoun speaker
    ("moved two rows", None, "Northwind Energy"),
    ("the sea is not empty", None, "Aisha Rahman"),
    ("Nobody wants this", None, "Aisha Rahman"),  # a floating quote paragraph
    ("no breeding colonies", None, "Marine Conservation Office"),  # "according to X"
]


@pytest.mark.usefixtures("cli_nlp")
def test_example_attributions() -> None:
    """What the example article was written to exercise."""
    report = json.loads(invoke("analyze", str(EXAMPLE), "-f", "json").stdout)
    names = {a["id"]: a["name"] for a in report["actors"]}
    problems = []
    for phrase, speaker, actor in EXAMPLE_ATTRIBUTIONS:
        match = [(q["speaker"] and q["speaker"]["text"], names.get(q["actor"]))
                 for q in report["quotes"] if phrase in " ".join(q["text"].split())]
        if not match:
            problems.append(f"no quote with {phrase!r}")
        elif match[0][1] != actor or (speaker is not None and match[0][0] != speaker):
            problems.append(f"{phrase!r}: got {match[0]}, want ({speaker!r}, {actor!r})")
    assert not problems, problems


# --- the seed article (../shared) -----------------------------------------------------------

@pytest.fixture(scope="module")
def seed(cli_nlp: Any) -> tuple[str, dict[str, Any]]:
    if not SEED.is_file():
        pytest.skip(f"{SEED} is absent")
    result = runner.invoke(cli.app, ["analyze", str(SEED), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return SEED.read_text(encoding="utf-8"), json.loads(result.stdout)


def quotes_of(report: dict[str, Any], name_part: str) -> list[dict[str, Any]]:
    ids = {a["id"] for a in report["actors"] if name_part in a["name"]}
    return [q for q in report["quotes"] if q["actor"] in ids]


def test_seed_offsets(seed: tuple[str, dict[str, Any]]) -> None:
    text, report = seed
    check_offsets(report, text)


def test_seed_xi_jinping(seed: tuple[str, dict[str, Any]]) -> None:
    _, report = seed
    assert any(a["name"] == "Xi Jinping" for a in report["actors"])
    assert len(quotes_of(report, "Xi Jinping")) >= 2


def test_seed_putin_acknowledged(seed: tuple[str, dict[str, Any]]) -> None:
    _, report = seed
    assert any(q["cue"] and q["cue"]["text"] == "acknowledged"
               for q in quotes_of(report, "Vladimir Putin"))


def test_seed_putin_he_said(seed: tuple[str, dict[str, Any]]) -> None:
    _, report = seed
    trust = [q for q in quotes_of(report, "Vladimir Putin")
             if "We have a relationship of trust" in q["text"]]
    assert trust and trust[0]["speaker"]["text"] == "he"


def test_seed_cctv(seed: tuple[str, dict[str, Any]]) -> None:
    _, report = seed
    assert quotes_of(report, "CCTV")


def test_seed_ministry_of_defence(seed: tuple[str, dict[str, Any]]) -> None:
    _, report = seed
    assert quotes_of(report, "Ministry of Defence")


def test_seed_li_hui(seed: tuple[str, dict[str, Any]]) -> None:
    _, report = seed
    quotes = quotes_of(report, "Li Hui")
    assert any("at their best in history" in q["text"] for q in quotes), attributions(report)


def test_seed_nothing_in_headline_repeat_or_footer(seed: tuple[str, dict[str, Any]]) -> None:
    # as for the example: the headline may hold an attribution ("Leaders agree to ..."),
    # its repeat and the footer hold nothing
    text, report = seed
    headline, repeat, footer = set_aside_regions(text, "Balanced journalism")
    assert_nothing_in(report, [repeat, footer])
    for q in report["quotes"]:
        if q["start"] < headline[1]:
            assert q["end"] <= headline[1], q


# --- other inputs that analyse --------------------------------------------------------------

@pytest.mark.usefixtures("cli_nlp")
def test_non_english_gives_a_report_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "es.txt"
    path.write_text(SPANISH, encoding="utf-8")
    result = invoke("analyze", str(path), "-f", "json")
    assert result.exit_code == 0
    assert result.stderr == ""
    warnings = json.loads(result.stdout)["warnings"]
    assert any("does not look like English" in w for w in warnings)
    text = invoke("analyze", str(path))
    assert "warning: text does not look like English" in text.stdout


@pytest.mark.usefixtures("cli_nlp")
def test_malformed_jsonl_line_among_good_ones(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "batch.jsonl", [
        {"id": "one", "text": " ".join(SENTENCES[:2])},
        '{"id": "two", "text": "unterminated',
        {"id": "three", "text": " ".join(SENTENCES[2:])},
    ])
    result = invoke("analyze", str(path), "-f", "jsonl")
    no_traceback(result)
    assert result.exit_code == 1
    assert [r["id"] for r in jsonl(result)] == ["one", "three"]
    lines = err_lines(result)
    assert len(lines) == 2
    assert lines[0].startswith(f"evenhand: {path}:2: invalid JSON")
    assert lines[1] == "evenhand: 1 of 3 inputs failed"


@pytest.mark.usefixtures("cli_nlp")
def test_stdin_text() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    result = invoke("analyze", "-", "-f", "json", input=text.encode("utf-8"))
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["id"] == report["source"] == "<stdin>"
    check_offsets(report, text)
    assert report["quotes"]


@pytest.mark.usefixtures("cli_nlp")
def test_stdin_jsonl() -> None:
    rows = "".join(json.dumps({"id": f"s{i}", "text": s}) + "\n"
                   for i, s in enumerate(SENTENCES))
    result = invoke("analyze", "-", "-f", "jsonl", input=rows)
    assert result.exit_code == 0, result.stderr
    reports = jsonl(result)
    assert [r["id"] for r in reports] == [f"s{i}" for i in range(len(SENTENCES))]
    assert any(q["kind"] == "direct" for q in reports[1]["quotes"])


@pytest.mark.slow
def test_stdin_jsonl_through_a_pipe() -> None:
    rows = "".join(json.dumps({"id": f"p{i}", "text": s}) + "\n"
                   for i, s in enumerate(SENTENCES[:2]))
    rows += "{broken\n"
    proc = subprocess.run([*PROG, "analyze", "-", "--format", "jsonl"], input=rows,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert [json.loads(line)["id"] for line in proc.stdout.splitlines()] == ["p0", "p1"]
    assert proc.stderr.splitlines()[0].startswith("evenhand: <stdin>:3: invalid JSON")
    assert "Traceback" not in proc.stderr


@pytest.mark.usefixtures("cli_nlp")
def test_a_single_1_mb_line(tmp_path: Path) -> None:
    """About a million characters in one line, no paragraph breaks: still one report."""
    path = tmp_path / "line.txt"
    parts, size, i = [], 0, 0
    while size < 999_000:
        sentence = SENTENCES[(i * 7 + i // 5) % len(SENTENCES)]
        parts.append(sentence)
        size += len(sentence) + 1
        i += 1
    text = " ".join(parts)
    path.write_text(text, encoding="utf-8")
    assert 990_000 < len(text) <= 1_000_000 <= path.stat().st_size  # the default --max-chars
    result = invoke("analyze", str(path), "-f", "jsonl")
    no_traceback(result)
    assert result.exit_code == 0, result.stderr
    (report,) = jsonl(result)
    assert len(report["quotes"]) > 1000


# --- eval -----------------------------------------------------------------------------------

def test_eval_missing_gold(tmp_path: Path, no_pipeline: None) -> None:
    path = tmp_path / "gold.jsonl"
    result = invoke("eval", "quotes", "--gold", str(path))
    no_traceback(result)
    assert result.exit_code == 1
    lines = err_lines(result)
    assert len(lines) == 1
    assert lines[0].startswith(f"evenhand: {path}: cannot read")


def test_eval_malformed_gold(tmp_path: Path, no_pipeline: None) -> None:
    path = write_jsonl(tmp_path / "gold.jsonl", ['{"text": "x"}'])
    result = invoke("eval", "quotes", "--gold", str(path), "--format", "json")
    assert result.exit_code == 1
    assert err_lines(result) == [f"evenhand: {path}:1: expected an object with 'text' and "
                                 "'quotes'"]


GOLD_TEXT = "“We will build it,” the mayor said. Critics said that the plan was too costly."


def gold_file(tmp_path: Path) -> Path:
    q1 = GOLD_TEXT.index("“We will build it,”")
    q2 = GOLD_TEXT.index("that the plan")
    sp = GOLD_TEXT.index("the mayor")
    return write_jsonl(tmp_path / "gold.jsonl", [{
        "id": "g1", "text": GOLD_TEXT,
        "quotes": [
            {"quote_start": q1, "quote_end": q1 + len("“We will build it,”"), "kind": "direct",
             "speaker_start": sp, "speaker_end": sp + len("the mayor")},
            {"quote_start": q2, "quote_end": len(GOLD_TEXT) - 1, "kind": "indirect",
             "speaker_start": None, "speaker_end": None},
        ]}] * 3)


@pytest.mark.usefixtures("cli_nlp")
def test_eval_quotes_json(tmp_path: Path) -> None:
    result = invoke("eval", "quotes", "--gold", str(gold_file(tmp_path)), "-f", "json",
                    "--limit", "2")
    assert result.exit_code == 0, result.stderr
    scores = json.loads(result.stdout)
    assert scores["documents"] == 2
    assert scores["gold_quotes"] == 4
    for key in ("f1_0.3", "f1_0.8", "exact"):
        assert set(scores[key]) == {"precision", "recall", "f1"}
    assert "speaker_accuracy" in scores
    assert set(scores["recall_by_kind"]) == {"direct", "indirect"}


@pytest.mark.usefixtures("cli_nlp")
def test_eval_quotes_text(tmp_path: Path) -> None:
    result = invoke("eval", "quotes", "--gold", str(gold_file(tmp_path)))
    assert result.exit_code == 0, result.stderr
    for needle in ("3 documents", "overlap > 0.3", "overlap > 0.8", "exact",
                   "speaker accuracy", "Recall by kind"):
        assert needle in result.stdout


@pytest.mark.slow
def test_analyze_markdown_and_html_views(tmp_path: Path) -> None:
    md = invoke("analyze", str(EXAMPLE), "--format", "md")
    assert md.exit_code == 0, md.stderr
    assert md.stdout.startswith("# ") and "## Findings" in md.stdout
    page = tmp_path / "report.html"
    html = invoke("analyze", str(EXAMPLE), "--format", "html", "--output", str(page))
    assert html.exit_code == 0, html.stderr
    content = page.read_text(encoding="utf-8")
    assert content.lstrip().lower().startswith("<!doctype html")
    assert "<mark" in content and "Margaret Okafor" in content


@pytest.mark.parametrize("kind", ["bias", "tone"])
def test_eval_bias_and_tone_bad_data_is_one_line(tmp_path: Path, kind: str) -> None:
    result = invoke("eval", kind, "--gold", str(tmp_path / "missing.jsonl"))
    no_traceback(result)
    assert result.exit_code == 1
    assert err_lines(result)[0].startswith(f"evenhand: {tmp_path / 'missing.jsonl'}")
