"""`factbase import`: the interchange format (docs/format.md) into the database.

An import is all or nothing: the caller runs :func:`import_files` inside one
write transaction, and any bad record raises :class:`ImportFailed` naming the
file, the record and the field, so the transaction rolls back whole.

Records are applied section by section (stances, entities, topics, outlets,
sources, claims, links, conflicts, audit) whatever their order in the files, so a
claim may come before the source it names. Re-importing a file changes nothing. A
record that names a stored one (a claim by key, else by source and statement; a
source by key or URL) updates only the fields it gives: a field is cleared only by an
explicit null, and an empty CSV cell gives nothing (docs/format.md). ``replace`` brings
back whole-record updates.

A run whose files carry an audit section restores that log and records no entries of
its own (:func:`factbase.catalog.audit.restoring`): an `export all` imported into an
empty database gives back the log as it was, not the log plus the import.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from factbase.analysis.conflicts import scan
from factbase.analysis.links import find_link, link_claims, ordered, unlink_claims
from factbase.catalog import audit
from factbase.catalog.entities import EntityInput, upsert_entity
from factbase.catalog.outlets import add_outlet, find_outlet, update_outlet
from factbase.catalog.source_fields import document_fields as source_document_fields
from factbase.catalog.sources import SourceInput
from factbase.catalog.topics import TopicInput, upsert_topic
from factbase.claims.fields import document_fields
from factbase.claims.query import get_claim
from factbase.claims.values import HISTORY_COLUMNS, ClaimInput
from factbase.errors import FactbaseError, ImportFailed, in_field
from factbase.interchange.claim_intake import ClaimIntake, ClaimReading, claim_input_of
from factbase.interchange.claim_pool import (
    ClaimReaders,
    claim_readers,
    dates_workers,
    workers_for,
)
from factbase.interchange.date_pool import read_dates
from factbase.interchange.readers import SECTIONS, Record, iter_records
from factbase.interchange.review_work import (
    AUDIT_FIELDS,
    DECISION_FIELDS,
    STANCE_FIELDS,
    AuditRestorer,
    apply_decision,
    apply_merged_into,
    apply_stance,
)
from factbase.interchange.source_texts import (
    TEXT_FIELDS,
    TextFolder,
    TextRecord,
    attach_texts,
    split_text_fields,
)
from factbase.interchange.source_writer import SourceWriter
from factbase.interchange.verdict_records import (
    SETTING_FIELDS,
    VERDICT_FIELDS,
    apply_setting,
    apply_verdict,
)
from factbase.store.index_rebuild import indexes_built_after, refresh_statistics
from factbase.store.memory import collector_paused
from factbase.store.models import Claim, ClaimLink, Conflict
from factbase.store.resources import seeds_dir
from factbase.text import language
from factbase.text.date_formats import parse_timestamp

# field -> "str" | "list" | "num" | "bool"; anything else in a record is a typo worth
# stopping for.
FIELDS: dict[str, dict[str, str]] = {
    "stances": STANCE_FIELDS,
    "entities": {"name": "str", "kind": "str", "aliases": "list", "note": "str"},
    "topics": {
        "slug": "str",
        "label": "str",
        "parent": "str",
        "iptc_code": "str",
        "iptc_label": "str",
        "iptc_broader": "str",
        "keywords": "list",
    },
    "outlets": {
        "name": "str",
        "stance": "str",
        "country": "str",
        "language": "str",
        "homepage": "str",
        "note": "str",
        "created_at": "str",
    },
    # A source record holds the declared fields with a name in documents that recording a
    # source takes (SourceInput), in document order.
    "sources": {
        **{
            field.document: field.kind
            for field in source_document_fields()
            if field.document in {given.name for given in fields(SourceInput)}
        },
        # Its article's text (factbase.interchange.source_texts).
        **TEXT_FIELDS,
    },
    # A claim record holds the declared fields with a name in documents that recording a
    # claim takes (ClaimInput): a field exported before `import` learns it is refused by name.
    "claims": {
        field.document: field.kind
        for field in document_fields()
        if field.document in {given.name for given in fields(ClaimInput)}
    },
    "links": {
        "claim": "str",
        "other": "str",
        "kind": "str",
        "note": "str",
        "created_by": "str",
        "created_at": "str",
    },
    # The review work's records, declared beside their writers.
    "conflicts": DECISION_FIELDS,
    "audit": AUDIT_FIELDS,
    "settings": SETTING_FIELDS,
    "verdicts": VERDICT_FIELDS,
}
REQUIRED = {
    "stances": ("name",),
    "entities": ("name",),
    "topics": ("slug",),
    "outlets": ("name", "stance"),
    "sources": ("outlet", "title"),
    "claims": ("source", "statement"),
    "links": ("claim", "other", "kind"),
    "conflicts": ("claim", "other", "kind", "status"),
    "audit": ("at", "actor", "action", "target"),
    "settings": ("name", "value"),
    "verdicts": ("claim", "rating", "note"),
}


@dataclass
class ImportSummary:
    counts: Counter[str] = field(default_factory=Counter)  # "claims added" -> n
    topics_created: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files: int = 0
    changed_claims: list[int] = field(default_factory=list)
    conflicts_found: int = 0
    # ("claim cpc-share", ["status"]): each updated record and the fields it changed
    updated: list[tuple[str, list[str]]] = field(default_factory=list)
    # with --replace, what each record cleared ("…: --replace clears 2 fields: quote, note")
    replaced: list[str] = field(default_factory=list)

    def count(self, section: str, outcome: str) -> int:
        return self.counts[f"{section} {outcome}"]

    def counts_by_section(self) -> dict[str, dict[str, int]]:
        """{"claims": {"added": 3, "unchanged": 128}}: the counts as a document gives them."""
        found: dict[str, dict[str, int]] = {}
        for key, n in sorted(self.counts.items()):
            section, outcome = key.split(" ", 1)
            found.setdefault(section, {})[outcome] = n
        return found

    @property
    def changed(self) -> bool:
        return any(n for key, n in self.counts.items() if key.endswith(("added", "updated")))


Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportOptions:
    """How records update what is stored."""

    # A record is the whole claim or source: the fields it leaves out are cleared.
    replace: bool = False
    # Record a keyless claim even when it repeats one of its source.
    allow_duplicate: bool = False
    # Told, before anything is written, what each --replace record clears.
    notice: Callable[[str], None] | None = None
    # Where texts named only by their SHA-256 are looked for (`seed --texts DIR`).
    texts: Path | None = None
    # A claim whose quote its source's text does not hold fails the import.
    strict: bool = False
    # The claim records of a large JSON Lines file are read in worker processes
    # (factbase.interchange.claim_pool). Spawned workers import the calling script's main
    # module again, so only a caller that guards it (`if __name__ == "__main__":`), as the
    # command line does, asks for them; $FACTBASE_IMPORT_WORKERS decides for anyone.
    read_in_workers: bool = False


def import_files(
    session: Session,
    paths: Sequence[Path],
    *,
    progress: Progress | None = None,
    options: ImportOptions | None = None,
) -> ImportSummary:
    """Apply every record of ``paths``; raise ImportFailed on the first bad one."""
    with _page_cache(session), collector_paused():
        return _import_files(session, paths, progress, options or ImportOptions())


# SQLite's default page cache (2 MB) is far smaller than a claim table's indexes and search
# index at 100k claims: inserting 100k claims took 6.3 s with it and 4.2 s with this one.
_IMPORT_CACHE_KIB = 262_144


@contextmanager
def _page_cache(session: Session) -> Iterator[None]:
    """A larger SQLite page cache for the length of an import (pages are taken as needed)."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    before = session.execute(text("PRAGMA cache_size")).scalar_one()
    session.execute(text(f"PRAGMA cache_size = -{_IMPORT_CACHE_KIB}"))
    restore = text(f"PRAGMA cache_size = {int(before)}")
    try:
        yield
    except BaseException:
        # Ctrl-C during a statement leaves the connection unusable until the rollback
        # (the pool then drops it, cache and all): the error raised must stay the one seen.
        with suppress(SQLAlchemyError):
            session.execute(restore)
        raise
    session.execute(restore)


def _import_files(
    session: Session, paths: Sequence[Path], progress: Progress | None, options: ImportOptions
) -> ImportSummary:
    summary = ImportSummary(files=len(paths))
    by_section: dict[str, list[Record]] = {section: [] for section in SECTIONS}
    claims = _ClaimRecords()
    for number, path in enumerate(paths):
        found = 0
        for found, record in enumerate(iter_records(path), start=1):  # noqa: B007
            if options.replace and record.from_report:
                raise ImportFailed(
                    f"{record.location}: this is a claims report (from `export claims`), which "
                    "gives only part of each source; --replace would clear the rest: "
                    "import it without --replace"
                )
            if record.section == "sources" and record.data.get("text_file"):
                # A text file is named relative to the document naming it.
                record.data["text_file"] = str(path.parent / str(record.data["text_file"]))
            if record.section == "claims":
                claims.add(number, path, record)
            else:
                by_section[record.section].append(record)
        if not found:
            # An empty file is a mistake (the wrong file, an export that failed), not an
            # import that went well: the whole run stops before anything is written.
            raise ImportFailed(f"nothing to import in {path.name}")
    with ExitStack() as stack:
        if by_section["audit"]:
            stack.enter_context(audit.restoring())
        # Settings first: the rating scale reads the verdicts.
        for section in ("settings", "stances", "entities", "topics", "outlets"):
            for record in by_section[section]:
                _apply(session, record, summary)
        _apply_sources(session, by_section["sources"], summary, options)
        with indexes_built_after(session, _rebuilt(session, claims.total), kept=_KEPT_INDEXES):
            _apply_claims(session, claims, summary, progress, options)
        for record in by_section["links"]:
            _apply(session, record, summary)
        if summary.changed_claims:
            focus = _scan_focus(session, summary.changed_claims)
            summary.conflicts_found += len(scan(session, focus).new_ids)
        # Decisions after the scan and the links, which find the conflicts they decide.
        for record in by_section["conflicts"]:
            _apply(session, record, summary)
        # Verdicts after the decisions, which the ones they proposed name.
        for record in by_section["verdicts"]:
            _apply(session, record, summary)
        _apply_audit(session, by_section["audit"], summary)
        if claims.total >= ANALYSE_FROM:
            refresh_statistics(session, _ANALYSED_TABLES)
    return summary


# From this many claim records a run gathers the server's planner statistics of what it
# filled (factbase.store.index_rebuild.refresh_statistics: about a second at 100k claims).
ANALYSE_FROM = 10_000
_ANALYSED_TABLES = ("claim", "claim_topic", "source", "search_form", "conflict", "audit_log")


# From this many claim records, a table holding fewer rows than the run brings gets its
# secondary indexes built after the claims are written (factbase.store.index_rebuild): at
# 1M claims into an empty database, inserting through a dozen indexes that outgrow the page
# cache cost more than sorting each once.
REBUILD_INDEXES_FROM = 20_000
_REBUILT_TABLES = ("claim", "claim_topic", "audit_log")
# Read while claims are written: stored claims and duplicates are looked up by source.
_KEPT_INDEXES = ("ix_claim_source_id",)


def _rebuilt(session: Session, claims: int) -> list[str]:
    """The tables whose secondary indexes a run of ``claims`` claim records builds after."""
    if claims < REBUILD_INDEXES_FROM:
        return []
    return [
        table
        for table in _REBUILT_TABLES
        if (session.scalar(text(f"SELECT count(*) FROM {table}")) or 0) < claims
    ]


def _scan_focus(session: Session, changed: list[int]) -> list[int] | None:
    """The claims whose conflicts an import checks: those it changed, or None (a full
    scan, which finds the same) when it changed every stored claim, as an import into an
    empty database does. The full scan reads the claims block by block without first
    finding the blocks of a million ids, nor holding them."""
    if len(set(changed)) == session.scalar(select(func.count()).select_from(Claim)):
        return None
    return changed


# A claim record, with its validated fields and its reading when a worker read it already.
_Taken = tuple[Record, dict[str, Any] | None, ClaimReading | None]


class _ClaimRecords:
    """The claim records of a run in file order, without holding a JSON Lines file's.

    Claims are applied after the sources of every file, so those of a JSON Lines
    file are counted on the first reading and read again when their turn comes, by
    worker processes when there are any (factbase.interchange.claim_pool).
    """

    def __init__(self) -> None:
        self.parts: list[tuple[int, Path] | list[Record]] = []
        self.total = 0
        # JSON Lines files holding rows of a claims report, read here: a report's rows
        # are split with what earlier rows of the file gave.
        self.reports: set[tuple[int, Path]] = set()

    def add(self, number: int, path: Path, record: Record) -> None:
        """Keep ``record`` of ``path``, the ``number``-th file of the run."""
        self.total += 1
        if path.suffix.lower() == ".jsonl":
            if not self.parts or self.parts[-1] != (number, path):
                self.parts.append((number, path))
            if record.from_report:
                self.reports.add((number, path))
        elif self.parts and isinstance(self.parts[-1], list):
            self.parts[-1].append(record)
        else:
            self.parts.append([record])

    @property
    def poolable(self) -> bool:
        """Whether some claims come from a JSON Lines file that workers may read."""
        return any(isinstance(part, tuple) and part not in self.reports for part in self.parts)

    def taken(self, readers: ClaimReaders | None) -> Iterator[_Taken]:
        for part in self.parts:
            if isinstance(part, list):
                yield from ((record, None, None) for record in part)
            elif readers is not None and part not in self.reports:
                for location, data, reading in readers.read(part[1]):
                    # The record as read: its location is all that is asked of it here.
                    yield Record("claims", data, location), data, reading
            else:
                records = iter_records(part[1])
                yield from ((r, None, None) for r in records if r.section == "claims")


def _apply_sources(
    session: Session, records: list[Record], summary: ImportSummary, options: ImportOptions
) -> None:
    """Check every source record as `factbase source add` would, then write them in batches."""

    if not records:
        return
    writer = SourceWriter(session, replace=options.replace, notice=options.notice)
    workers = dates_workers(len(records), wanted=options.read_in_workers)
    if workers:
        given = (record.data.get(name) for record in records for name in ("published", "retrieved"))
        writer.read_ahead(read_dates((text for text in given if isinstance(text, str)), workers))
    texts: list[TextRecord] = []
    for record in records:
        try:
            data, text_record = split_text_fields(_validated(record), record.location, None)
            writer.add(data, record.location)
        except ImportFailed:
            raise
        except FactbaseError as exc:
            raise ImportFailed(f"{record.location}: {exc.message}") from None
        if text_record is not None:
            texts.append(text_record)
    writer.flush()
    if texts:
        try:
            folder = TextFolder(options.texts) if options.texts is not None else None
        except FactbaseError as exc:
            raise ImportFailed(f"--texts: {exc.message}") from None
        attached, missing = attach_texts(session, texts, folder)
        if attached:
            summary.counts["texts attached"] += attached
        summary.warnings.extend(missing)
    for outcome, count in writer.outcomes.items():
        if count:
            summary.counts[f"sources {outcome}"] += count
    summary.updated.extend(writer.updated)
    summary.replaced.extend(writer.replaced)


def _apply_claims(
    session: Session,
    records: _ClaimRecords,
    summary: ImportSummary,
    progress: Progress | None,
    options: ImportOptions,
) -> None:
    """Check every claim record as `factbase add` would, then write them in batches."""

    intake = ClaimIntake(
        session,
        replace=options.replace,
        allow_duplicate=options.allow_duplicate,
        notice=options.notice,
        strict=options.strict,
    )
    workers = 0
    if records.poolable:
        workers = workers_for(records.total, intake.lookups, wanted=options.read_in_workers)
    with ExitStack() as stack:
        readers = None
        if workers:
            readers = stack.enter_context(claim_readers(workers, intake.lookups, _validated))
        for done, (record, data, reading) in enumerate(records.taken(readers), start=1):
            try:
                intake.add(record, _validated(record) if data is None else data, reading)
            except ImportFailed:
                raise
            except FactbaseError as exc:
                raise ImportFailed(f"{record.location}: {exc.message}") from None
            if progress is not None:
                progress(done, records.total)
    intake.flush()
    writer = intake.writer
    # The claim a duplicate was merged into may come later in the run.
    changed = set(writer.changed_ids)
    for record, values, target in intake.merged:
        try:
            claim = _written_claim(session, values)
            if apply_merged_into(session, claim, target) and claim.id not in changed:
                writer.outcomes["unchanged"] -= 1
                writer.outcomes["updated"] += 1
        except FactbaseError as exc:
            raise ImportFailed(f"{record.location}: merged_into: {exc.message}") from None
    for outcome, count in writer.outcomes.items():
        if count:
            summary.counts[f"claims {outcome}"] += count
    outcomes = intake.outcomes
    if outcomes.skipped:
        summary.counts["claims skipped"] += outcomes.skipped
    summary.warnings.extend(outcomes.warnings)
    summary.topics_created.extend(outcomes.topics_created)
    summary.updated.extend(outcomes.updated)
    summary.replaced.extend(outcomes.replaced)
    summary.changed_claims.extend(intake.writer.changed_ids)


def _written_claim(session: Session, values: dict[str, Any]) -> Claim:
    """The claim a checked record was written to: by key, else the first keyless claim
    with its source and statement (as the claim writer matches records)."""
    if values["key"] is not None:
        return get_claim(session, values["key"])
    query = (
        select(Claim)
        .where(
            Claim.key.is_(None),
            Claim.source_id == values["source_id"],
            Claim.statement == values["statement"],
        )
        .order_by(Claim.id)
        .limit(1)
    )
    claim = session.scalar(query)
    assert claim is not None, "the claim writer has just written it"
    return claim


def _apply_audit(session: Session, records: list[Record], summary: ImportSummary) -> None:
    """Restore the log, entry by entry in the document's order."""
    if not records:
        return
    restorer = AuditRestorer(session)
    for record in records:
        try:
            restorer.add(_validated(record))
        except ImportFailed:
            raise
        except FactbaseError as exc:
            raise ImportFailed(f"{record.location}: {exc.message}") from None
    for outcome, count in restorer.flush().items():
        if count:
            summary.counts[f"audit {outcome}"] += count


def _apply(session: Session, record: Record, summary: ImportSummary) -> None:
    try:
        data = _validated(record)
        outcome = _APPLY[record.section](session, data, summary)
    except ImportFailed:
        raise
    except FactbaseError as exc:
        raise ImportFailed(f"{record.location}: {exc.message}") from None
    summary.counts[f"{record.section} {outcome}"] += 1


def _validated(record: Record) -> dict[str, Any]:
    fields = FIELDS[record.section]
    data: dict[str, Any] = {}
    for name, value in record.data.items():
        kind = fields.get(name)
        if kind is None:
            known = ", ".join(fields)
            raise ImportFailed(f"{record.location}: unknown field {name!r} (known: {known})")
        data[name] = _coerce(record, name, value, kind)
    # A record naming a stored claim or source by key may leave the rest out; whether
    # it does is known once the stored ones are looked up (claim_intake, SourceWriter).
    if not (record.section in _BY_KEY and any(data.get(name) for name in _BY_KEY[record.section])):
        for name in REQUIRED[record.section]:
            if not data.get(name):
                raise ImportFailed(f"{record.location}: {name}: required")
    return data


def claims_to_add(path: Path) -> list[tuple[str, ClaimInput]]:
    """The claims of a file in the interchange format, each with where it stands in the
    file, for `factbase add --from-file`: new claims only, each naming its source and
    giving its statement. Records of other sections are refused (`factbase import`
    takes them)."""
    found: list[tuple[str, ClaimInput]] = []
    for record in iter_records(path):
        if record.section != "claims":
            raise ImportFailed(
                f"{record.location}: only claims are added from a file; "
                f"`factbase import` takes {record.section}"
            )
        data = _validated(record)
        for name in REQUIRED["claims"]:
            if not data.get(name):
                raise ImportFailed(f"{record.location}: {name}: required")
        for name in (*HISTORY_COLUMNS, "merged_into"):
            if data.get(name):
                raise ImportFailed(
                    f"{record.location}: {name}: a claim's history is restored by "
                    "`factbase import`; `add` records a new claim now"
                )
        found.append((record.location, claim_input_of(data)))
    return found


# The fields by which a record of these sections may name a stored one.
_BY_KEY = {"claims": ("key",), "sources": ("key", "url")}


MAX_TEXT = language.MAX_TEXT  # one limit for every way in (factbase.text.language)


def _coerce(record: Record, name: str, value: Any, kind: str) -> Any:
    """The field's value checked; None when the record clears it (null or empty text)."""
    where = f"{record.location}: {name}"
    if value is None or value == "":
        return None
    if kind == "article":
        # An article's text is kept as it is, whatever its length; article_text checks it.
        if not isinstance(value, str):
            raise ImportFailed(f"{where}: expected text")
        return value
    if isinstance(value, str):
        _check_text(where, value)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, str):
                _check_text(where, item)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        raise ImportFailed(f"{where}: expected true or false")
    if kind == "list":
        if isinstance(value, str):  # CSV cells hold lists as "a; b"
            value = [part for part in (p.strip() for p in value.split(";")) if part]
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            raise ImportFailed(f"{where}: expected a list of text")
        return [str(v) for v in value]
    if kind == "num":
        if isinstance(value, str):
            try:
                value = float(value.replace(",", ".").strip())
            except ValueError:
                raise ImportFailed(f"{where}: {value!r} is not a number") from None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ImportFailed(f"{where}: expected a number")
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise ImportFailed(f"{where}: {str(value)[:40]!r} is not a finite number")
        return number
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ImportFailed(f"{where}: expected text")
    if isinstance(value, float) and not math.isfinite(value):
        raise ImportFailed(f"{where}: {value!r} is not a finite number")
    return str(value)


def _check_text(where: str, text: str) -> None:
    """Text every backend can store, by the check `add` and `edit` make too."""
    problem = language.text_problem(text)
    if problem:
        raise ImportFailed(f"{where}: {problem}")


# -- one function per section: returns "added", "updated" or "unchanged" -------------


def _entity(session: Session, data: dict[str, Any], *_: Any) -> str:
    _entity_row, outcome = upsert_entity(
        session,
        EntityInput(data["name"], data.get("kind"), data.get("aliases") or (), data.get("note")),
    )
    return outcome


def _topic(session: Session, data: dict[str, Any], *_: Any) -> str:
    _topic_row, outcome = upsert_topic(
        session,
        TopicInput(
            data["slug"],
            data.get("label"),
            data.get("parent"),
            data.get("keywords") or (),
            iptc_code=data.get("iptc_code"),
            iptc_label=data.get("iptc_label"),
            iptc_broader=data.get("iptc_broader"),
        ),
    )
    return outcome


def _outlet(session: Session, data: dict[str, Any], *_: Any) -> str:
    details = {k: data.get(k) for k in ("country", "language", "homepage", "note")}
    with in_field("created_at"):
        created_at = parse_timestamp(data["created_at"]) if data.get("created_at") else None
    existing = find_outlet(session, data["name"])
    if existing is None:
        outlet = add_outlet(session, data["name"], data["stance"], **details)
        if created_at is not None:
            outlet.created_at = created_at
        return "added"
    changed = update_outlet(session, existing, stance=data["stance"], **details)
    held = existing.created_at.replace(microsecond=0) if existing.created_at else None
    if created_at is not None and held != created_at:
        existing.created_at, changed = created_at, True
    return "updated" if changed else "unchanged"


def _link(session: Session, data: dict[str, Any], summary: ImportSummary, *_: Any) -> str:
    """A link between two claims named by key or id; the same link again changes nothing."""

    first, second = get_claim(session, data["claim"]), get_claim(session, data["other"])
    existing = find_link(session, first.id, second.id)
    kind = data["kind"].strip().lower()
    made: dict[str, Any] = {}
    if data.get("created_by"):
        made["created_by"] = data["created_by"]
    if data.get("created_at"):
        with in_field("created_at"):
            made["created_at"] = parse_timestamp(data["created_at"])
    if existing is not None:
        if existing.kind == kind and (existing.note or None) == (data.get("note") or None):
            return _link_made(session, existing, made)
        unlink_claims(
            session,
            data["claim"],
            data["other"],
            note="replaced by an import",
            follow_merges=False,
        )
        _new_link(session, data, kind, summary, (first.id, second.id), made)
        return "updated"
    _new_link(session, data, kind, summary, (first.id, second.id), made)
    return "added"


def _link_made(session: Session, link: ClaimLink, made: dict[str, Any]) -> str:
    """Give an existing link who made it and when, as the record says (to the second)."""
    changed = False
    for name, value in made.items():
        old = getattr(link, name)
        if isinstance(old, datetime):
            old = old.replace(microsecond=0)
        if old != value:
            setattr(link, name, value)
            changed = True
    session.flush()
    return "updated" if changed else "unchanged"


def _new_link(
    session: Session,
    data: dict[str, Any],
    kind: str,
    summary: ImportSummary,
    pair: tuple[int, int],
    made: dict[str, Any],
) -> None:
    """Link the pair, counting the declared conflict a `contradicts` link records."""

    low, high = ordered(*pair)
    declared = select(Conflict.id).where(
        Conflict.claim_a_id == low, Conflict.claim_b_id == high, Conflict.kind == "declared"
    )
    # A decided declared conflict outlives its link; linking again then adds nothing new.
    existed = session.scalar(declared) is not None
    # A document's links are restored between the claims it names, merged ones included.
    link = link_claims(
        session, data["claim"], data["other"], kind, data.get("note"), follow_merges=False
    )
    _link_made(session, link, made)
    if not existed and session.scalar(declared) is not None:
        summary.conflicts_found += 1


def _stance(session: Session, data: dict[str, Any], *_: Any) -> str:
    return apply_stance(session, data)


def _decision(session: Session, data: dict[str, Any], *_: Any) -> str:
    return apply_decision(session, data)


def _setting(session: Session, data: dict[str, Any], *_: Any) -> str:
    return apply_setting(session, data)


def _verdict(session: Session, data: dict[str, Any], *_: Any) -> str:
    return apply_verdict(session, data)


_APPLY: dict[str, Callable[..., str]] = {
    "stances": _stance,
    "entities": _entity,
    "topics": _topic,
    "outlets": _outlet,
    "links": _link,
    "conflicts": _decision,
    "settings": _setting,
    "verdicts": _verdict,
}


def seed_files() -> list[Path]:
    """The bundled seed dataset's files, in a stable order."""

    return sorted(seeds_dir().glob("*.yaml"))
