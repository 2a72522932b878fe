"""Property-based fuzzing of the importer and of the command line's parsers.

Whatever records a file holds and whatever text an option is given, only a
FactbaseError (one line, exit 1) or a usage error (exit 2) comes out; and what
was imported, listed as JSON Lines and imported again, reads back the same.
(tests/test_readers.py fuzzes the file readers with raw bytes.)
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import PG_URL, Cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import add_source

from factbase.errors import FactbaseError
from factbase.interchange.importer import FIELDS, import_files
from factbase.store.database import Database

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

EXAMPLES = 25 if PG_URL else 60
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    # Every example rolls back (or uses keys of its own), so the database fixture is reusable.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",))
    | st.sampled_from("КаkK%_'\\"),
    max_size=30,
)
_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    _text,
    st.sampled_from(["rel-src", "2022", "ноябрь 2023", "около 80%", "1718000000", "1e309",
                     "affirmed", "denied", "disputed", "oil", "ru", "xx", "neutral"]),
)  # fmt: skip
_value = _scalar | st.lists(_scalar, max_size=3)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    document: dict[str, list[dict[str, Any]]] = {}
    for section in draw(st.lists(st.sampled_from(sorted(FIELDS)), max_size=3, unique=True)):
        names = st.sampled_from(sorted(FIELDS[section])) | st.sampled_from(["bogus", "type"])
        records = st.dictionaries(names, _value, max_size=6)
        document[section] = draw(st.lists(records, max_size=3))
    return document


def _write(directory: Path, document: dict[str, list[dict[str, Any]]], form: str) -> Path:
    path = directory / f"fuzz-{uuid.uuid4().hex[:8]}.{form}"
    if form == "json":
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    elif form == "yaml":
        path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    else:
        from factbase.interchange.readers import SECTION_OF_TYPE

        singular = {section: kind for kind, section in SECTION_OF_TYPE.items()}
        lines = [
            json.dumps({"type": singular[section], **record}, ensure_ascii=False)
            for section, records in document.items()
            for record in records
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@FUZZ
@given(document=documents(), form=st.sampled_from(["json", "yaml", "jsonl"]))
def test_the_importer_raises_only_factbase_errors(
    db_url: str, tmp_path: Path, document: dict[str, list[dict[str, Any]]], form: str
) -> None:
    path = _write(tmp_path, document, form)
    database = Database.open(db_url)
    try:
        with database.session(write=True, commit=False) as session:
            import_files(session, [path])
    except FactbaseError as exc:
        assert exc.message.strip() and "\n" not in exc.message.strip()
    finally:
        database.close()
        path.unlink()


OPTIONS = {
    "list": ("--topic", "--lang", "--stance", "--outlet", "--source", "--subject", "--speaker",
             "--since", "--until", "--search", "--status", "--limit", "--sort", "--format"),
    "add": ("--quote", "--language", "--speaker", "--topic", "--subject", "--property",
            "--value", "--unit", "--event-date", "--as-of", "--polarity", "--status", "--key"),
    "conflicts": ("--status", "--kind", "--topic", "--stance", "--lang", "--limit"),
}  # fmt: skip
_argument = _text.filter(lambda s: "\x00" not in s) | st.sampled_from(
    ["", " ", "-1", "0", "9" * 30, "yesterday", "вчера", "1 грудня 2022", "около 80%", "%"]
)


@FUZZ
@given(
    command=st.sampled_from(sorted(OPTIONS)),
    data=st.data(),
)
def test_the_command_line_parsers_give_one_line_errors(
    db_url: str, command: str, data: st.DataObject
) -> None:
    options = data.draw(st.lists(st.sampled_from(OPTIONS[command]), max_size=4, unique=True))
    args = [command] + (["A claim.", "--source", "1"] if command == "add" else [])
    for option in options:
        args += [option, data.draw(_argument)]
    out = Cli(db_url)(*args)  # an unexpected exception would be raised here
    assert out.exit_code in (0, 1, 2), out.stderr
    if out.exit_code:
        lines = out.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("factbase: error: "), out.stderr
        assert "internal error" not in lines[0], lines[0]


# -- import -> export -> import ------------------------------------------------------

EXPORTED = ("statement", "quote", "language", "speaker", "topics", "subject", "property",
            "value", "event_date", "as_of", "polarity", "status", "note")  # fmt: skip
_words = st.text(alphabet="Казахстн нефтьoilKZ-%.,«»'\"", min_size=1, max_size=40).filter(
    lambda s: any(c.isalpha() for c in s)
)
_claims = st.fixed_dictionaries(
    {
        "statement": _words,
        "quote": st.none() | _words,
        "language": st.sampled_from(["ru", "en", "uk", "bg"]),
        "speaker": st.none() | _words,
        "topics": st.sampled_from([[], ["oil"], ["energy", "oil"]]),
        "subject": st.none() | st.sampled_from(["CPC", "КТК", "Kazakhstan"]),
        "property": st.none() | st.sampled_from(["share of exports", "throughput"]),
        "value": st.none() | st.sampled_from(["около 80%", "441 млрд тенге", "1,5 милиона тона"]),
        "event_date": st.none() | st.sampled_from(["2022", "ноябрь 2023", "1 грудня 2022"]),
        "as_of": st.none() | st.sampled_from(["2021", "2022-07", "11 июля 2022"]),
        "polarity": st.sampled_from(["affirmed", "denied"]),
        "status": st.sampled_from(["unverified", "disputed", "corroborated"]),
        "note": st.none() | _words,
    }
)


def _export(cli: Cli, source: str) -> list[dict[str, Any]]:
    out = cli.ok("list", "--source", source, "--format", "jsonl", "--limit", "0", "--sort", "id")
    return [json.loads(line) for line in out.stdout.splitlines()]


def _import(cli: Cli, directory: Path, lines: list[dict[str, Any]]) -> None:
    path = directory / f"roundtrip-{uuid.uuid4().hex[:8]}.jsonl"
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    cli.ok("import", str(path))


# Each example is two imports and two listings through the command line.
@settings(FUZZ, max_examples=8 if PG_URL else 15)
@given(claims=st.lists(_claims, min_size=1, max_size=3))
def test_import_export_import_round_trips(
    db_url: str, tmp_path: Path, claims: list[dict[str, Any]]
) -> None:
    """Exported rows imported again, under other keys and another source, read back equal."""
    run = uuid.uuid4().hex[:8]
    cli = Cli(db_url)
    first, second = f"first-{run}", f"second-{run}"
    add_source(db_url, key=first, outlet=f"Outlet {run}")
    add_source(db_url, key=second, outlet=f"Other {run}")
    _import(cli, tmp_path, [
        {"type": "claim", "key": f"{first}-{n}", "source": first}
        | {name: value for name, value in claim.items() if value not in (None, [])}
        for n, claim in enumerate(claims)
    ])  # fmt: skip
    exported = _export(cli, first)
    assert len(exported) == len(claims)
    _import(cli, tmp_path, [
        {"type": "claim", "key": f"{second}-{n}", "source": second}
        | {name: row[name] for name in EXPORTED if row[name] not in (None, [])}
        for n, row in enumerate(exported)
    ])  # fmt: skip
    again = _export(cli, second)
    for row, other in zip(exported, again, strict=True):
        for name in (*EXPORTED, "value_num", "unit", "value_low", "value_high", "qualifier"):
            assert row[name] == other[name], (name, row, other)
