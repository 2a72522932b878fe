"""The claim records of an import, matched with the claims they name and written in batches.

A record whose key (or, without one, source and statement) names a stored claim updates
only the fields it carries: the rest come from the stored claim, so what is derived from
several fields (the search text, entity links, the language check, suggested topics) is
worked out from the merged claim, and a field is cleared only by an explicit null. With
``replace`` a record is the whole claim again, as before partial updates, and the fields
that clears are announced before anything is written. A keyless record that repeats a claim
of the same source (the same statement or quote, as :func:`duplicate_key` folds them) is
skipped with a warning, unless ``allow_duplicate``.

Stored claims are loaded a batch at a time (:meth:`ClaimWriter.stored`), and the
duplicate keys of a source once per run, when a keyless record first names it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from factbase.catalog import audit
from factbase.catalog.names import validate_key
from factbase.claims.recording import search_form_pairs
from factbase.claims.values import (
    ClaimInput,
    ClaimLookups,
    SourceRef,
    claim_topics,
    claim_values,
    history_values,
    quantity_fields,
    refuse_unanchored,
)
from factbase.errors import FactbaseError, ImportFailed, in_field
from factbase.interchange.claim_writer import (
    BATCH_SIZE,
    ClaimWriter,
    ImportLookups,
    PendingClaim,
    Stored,
    Written,
)
from factbase.store.models import Claim, Topic
from factbase.text.date_formats import stored_iso
from factbase.text.language import duplicate_key, normalise_text

if TYPE_CHECKING:
    from factbase.interchange.readers import Record

# A claim's fields in documents, in document order, and the columns each is kept in.
COLUMNS_OF: dict[str, tuple[str, ...]] = {
    "key": ("key",),
    "source": ("source_id",),
    "statement": ("statement",),
    "quote": ("quote",),
    "language": ("language",),
    "speaker": ("speaker", "speaker_key", "speaker_id"),
    "topics": (),
    "subject": ("subject", "subject_key", "subject_id"),
    "property": ("property_name", "property_key"),
    "value": (
        "value_text",
        "value_num",
        "value_unit",
        "value_low",
        "value_high",
        "value_qualifier",
    ),
    "event_date": ("event_date", "event_date_end", "event_precision"),
    "as_of": ("as_of", "as_of_end", "as_of_precision"),
    "forecast": ("forecast",),
    "occasion": ("occasion",),
    "polarity": ("polarity", "polarity_suggested"),
    "status": ("status",),
    "note": ("note",),
}
# Fields given back to claim_values() as stored: the text a user typed, kept as is.
_TEXT_COLUMN = {
    "statement": "statement",
    "quote": "quote",
    "language": "language",
    "speaker": "speaker",
    "subject": "subject",
    "property": "property_name",
    "polarity": "polarity",
    "forecast": "forecast",
    "occasion": "occasion",
    "status": "status",
    "note": "note",
}
# The record fields that give a claim's quantity.
QUANTITY_FIELDS = ("value", "value_num", "unit", "qualifier")
# Fields that a record without them leaves at their default rather than empty.
_DEFAULTS: dict[str, Any] = {"polarity": "affirmed", "status": "unverified", "forecast": False}
REQUIRED = ("source", "statement")

Notice = Callable[[str], None]


@dataclass
class ClaimOutcomes:
    """What the claim records of a run did, beyond the counts."""

    updated: list[tuple[str, list[str]]] = field(default_factory=list)  # "claim k", fields
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)
    topics_created: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)  # what each --replace record clears


@dataclass(frozen=True, slots=True)
class ClaimReading:
    """A claim record read ahead, as a new claim, by :func:`read_claim`: what it makes
    when no stored claim has its key (or source and statement). Only reading the record
    goes into it, nothing of the database's claims, so it can be worked out in another
    process (factbase.interchange.claim_pool) while this one writes."""

    # Why taking the record fails (its fields, its key or source), as ImportFailed says it.
    failure: str | None = None
    identity: tuple[Any, ...] = ()
    # Why recording it as a new claim fails; else its values and warnings.
    refused: str | None = None
    values: dict[str, Any] | None = None
    warnings: tuple[str, ...] = ()
    # The topics suggested from its words (with the keyword that suggested each) when it
    # names none; None when it names some.
    suggested: dict[int, str] | None = None
    forms: set[tuple[str, str]] | None = None  # search_form_pairs(values)


def read_claim(record: Record, data: dict[str, Any], lookups: ClaimLookups) -> ClaimReading:
    """Read a validated claim record as :class:`ClaimIntake` would read it as a new claim."""
    try:
        identity = identity_of(record, data, lookups)
    except ImportFailed as exc:
        return ClaimReading(failure=exc.message)
    except FactbaseError as exc:
        return ClaimReading(failure=f"{record.location}: {exc.message}")
    warnings: list[str] = []
    try:
        _require(record, data)
        claim_input = claim_input_of(data)
        values = claim_values(claim_input, lookups, warnings)
    except ImportFailed as exc:
        return ClaimReading(identity=identity, refused=exc.message)
    except FactbaseError as exc:
        return ClaimReading(identity=identity, refused=f"{record.location}: {exc.message}")
    suggested = None
    if not any(normalise_text(slug) for slug in claim_input.topics):
        # What claim_topics() asks for a claim naming no topic.
        text = " ".join(filter(None, (values["statement"], values["quote"])))
        suggested = lookups.suggested_topics(text, values["language"])
    return ClaimReading(
        identity=identity,
        values=values,
        warnings=tuple(warnings),
        suggested=suggested,
        forms=search_form_pairs(values),
    )


def identity_of(record: Record, data: dict[str, Any], lookups: ClaimLookups) -> tuple[Any, ...]:
    """What names the claim: its key, else its source and statement."""
    if data.get("key"):
        with in_field("key"):
            return ("key", validate_key(data["key"]))
    _require(record, data)
    with in_field("source"):
        source = lookups.source(data["source"])
    return ("text", source.id, normalise_text(data["statement"]))


class _Suggested:
    """The intake's lookups, with the topics a reading suggested already."""

    def __init__(self, lookups: ImportLookups, suggested: dict[int, str] | None) -> None:
        self.lookups, self.suggested = lookups, suggested

    def source(self, ref: str) -> SourceRef:
        return self.lookups.source(ref)

    def entity_id(self, name: str) -> int | None:
        return self.lookups.entity_id(name)

    def topic_id(self, slug: str) -> tuple[int, bool]:
        return self.lookups.topic_id(slug)

    def suggested_topics(self, text: str, language: str | None) -> dict[int, str]:
        if self.suggested is None:
            return self.lookups.suggested_topics(text, language)
        return self.suggested


@dataclass
class _Item:
    record: Record
    data: dict[str, Any]  # the fields the record gives; None: cleared explicitly
    identity: tuple[Any, ...]
    reading: ClaimReading | None = None


@dataclass
class _Known:
    """A claim a later keyless record could repeat."""

    id: int | None
    key: str | None
    location: str  # where the run recorded it, while it has no id

    def __str__(self) -> str:
        if self.id is None:
            return f"the claim of {self.location}"
        return f"claim {self.id}" + (f" (key {self.key})" if self.key else "")


class ClaimIntake:
    """Takes the claim records of a run in order; call :meth:`flush` after the last one."""

    def __init__(
        self,
        session: Session,
        *,
        replace: bool = False,
        allow_duplicate: bool = False,
        notice: Notice | None = None,
        strict: bool = False,
    ) -> None:
        self.session = session
        self.replace = replace
        self.allow_duplicate = allow_duplicate
        self.strict = strict  # a quote its source's text does not hold is an error
        self.notice = notice
        self.lookups = ImportLookups(session)
        self.writer = ClaimWriter(session)
        self.outcomes = ClaimOutcomes()
        self._batch: list[_Item] = []
        self._identities: set[tuple[Any, ...]] = set()
        # source id -> ("statement" | "quote", duplicate key) -> the claim it belongs to
        self._duplicates: dict[int, dict[tuple[str, str], _Known]] = {}
        self._slugs: dict[int, str] | None = None
        # Merged duplicates of the run: (record, its values, the claim it went into),
        # pointed at their claims once every claim of the run is written.
        self.merged: list[tuple[Record, dict[str, Any], str]] = []

    def add(
        self, record: Record, data: dict[str, Any], reading: ClaimReading | None = None
    ) -> None:
        """Queue a validated record (``data`` holds only the fields it gives), with its
        :func:`read_claim` when that was worked out ahead."""
        if reading is None:
            identity = identity_of(record, data, self.lookups)
        elif reading.failure is not None:
            raise ImportFailed(reading.failure)
        else:
            identity = reading.identity
        if identity in self._identities:
            # The same claim twice in one run: the second record updates the first.
            self.flush()
        self._batch.append(_Item(record, data, identity, reading))
        self._identities.add(identity)
        if len(self._batch) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        batch, self._batch, self._identities = self._batch, [], set()
        if not batch:
            return
        stored = self.writer.stored(item.identity for item in batch)
        if not self.allow_duplicate:
            self._load_duplicates(
                item.identity[1]
                for item in batch
                if item.identity[0] == "text" and item.identity not in stored
            )
        decided: list[tuple[PendingClaim, Stored | None]] = []
        new: dict[tuple[Any, ...], _Known] = {}
        where: dict[tuple[Any, ...], str] = {}
        for item in batch:
            old = stored.get(item.identity)
            try:
                claim = self._decide(item, old)
            except ImportFailed:
                raise
            except FactbaseError as exc:
                raise ImportFailed(f"{item.record.location}: {exc.message}") from None
            if claim is None:
                continue
            decided.append((claim, old))
            where[claim.identity if old is None else ("id", old.id)] = item.record.location
            if old is not None:
                self._moved(old, claim)
            elif not claim.history.get("retracted_at"):  # a live claim others could repeat
                new[claim.identity] = self._remember(claim.values, None, item.record.location)
        written = self.writer.write(decided)
        for claim_id, claim in written.added:
            if claim.identity in new:
                new[claim.identity].id = claim_id
        self._record(written, where)

    # -- one record ---------------------------------------------------------------------

    def _decide(self, item: _Item, old: Stored | None) -> PendingClaim | None:
        """The claim ``item`` makes, or None when it is skipped as a duplicate."""
        data, location = item.data, item.record.location
        warnings: list[str] = []
        reading = item.reading if old is None or self.replace else None
        if reading is not None:
            if reading.refused is not None:
                raise ImportFailed(reading.refused)
            assert reading.values is not None
            claim_input, values = claim_input_of(data), reading.values
            warnings = list(reading.warnings)
            if old is not None:
                self._announce_clears(location, old, data)
        elif old is None or self.replace:
            _require(item.record, data)
            claim_input = claim_input_of(data)
            values = claim_values(claim_input, self.lookups, warnings)
            if old is not None:
                self._announce_clears(location, old, data)
        else:
            for name in REQUIRED:
                if name in data and not data[name]:
                    raise ImportFailed(f"{location}: {name}: required; it cannot be cleared")
            claim_input = claim_input_of(_merged(data, old.values))
            values = claim_values(claim_input, self.lookups, warnings)
            _keep_stored(values, old.values, data)
            if "language" not in data and _checked_text(values) == _checked_text(old.values):
                # The stored language given back: its check was made when it was recorded.
                warnings = [w for w in warnings if not w.startswith("text looks like ")]
        if self.strict:
            refuse_unanchored(values)
        # A retracted claim is not a duplicate of a live one: it is kept as the record has it.
        live = not claim_input.retracted_at
        if old is None and values["key"] is None and not self.allow_duplicate and live:
            existing = self._duplicate_of(values)
            if existing is not None:
                self.outcomes.warnings.append(
                    f"{location}: duplicate of {existing}; skipped; --allow-duplicate to record it"
                )
                self.outcomes.skipped += 1
                return None
        if old is not None and not self.replace and "topics" not in data:
            topics = dict(old.topics)
        else:
            lookups: ClaimLookups = self.lookups
            if reading is not None:
                lookups = _Suggested(self.lookups, reading.suggested)
            topics = claim_topics(claim_input, values, lookups, self.outcomes.topics_created)
        self.outcomes.warnings.extend(f"{location}: {warning}" for warning in warnings)
        if claim_input.merged_into:
            self.merged.append((item.record, values, claim_input.merged_into))
        forms = reading.forms if reading is not None else None
        return PendingClaim(values, topics, history_values(claim_input), forms)

    def _announce_clears(self, location: str, old: Stored, data: dict[str, Any]) -> None:
        cleared = [
            name
            for name, value in self._view(old.values, old.topics).items()
            if name not in ("key", "source", "statement", "language")
            and value not in (None, [], _DEFAULTS.get(name))
            and not _gives(data, name)
        ]
        if not cleared:
            return
        count = f"{len(cleared)} field" + ("s" if len(cleared) != 1 else "")
        message = f"{location}: --replace clears {count}: {', '.join(cleared)}"
        self.outcomes.replaced.append(message)
        if self.notice is not None:
            self.notice(message)

    # -- duplicates ---------------------------------------------------------------------

    def _load_duplicates(self, source_ids: Any) -> None:
        """Index the claims of the sources not yet indexed by their duplicate keys."""
        wanted = sorted(set(source_ids) - set(self._duplicates))
        for source_id in wanted:
            self._duplicates[source_id] = {}
        query = select(Claim.id, Claim.key, Claim.source_id, Claim.statement, Claim.quote).where(
            Claim.retracted_at.is_(None), Claim.merged_into_id.is_(None)
        )
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = self.session.execute(query.where(Claim.source_id.in_(chunk)).order_by(Claim.id))
            for claim_id, key, source_id, statement, quote in rows:
                known = _Known(claim_id, key, "")
                for kind, folded in _duplicate_keys(statement, quote):
                    self._duplicates[source_id].setdefault((kind, folded), known)

    def _duplicate_of(self, values: Mapping[str, Any]) -> _Known | None:
        table = self._duplicates.get(values["source_id"], {})
        for kind, folded in _duplicate_keys(values["statement"], values["quote"]):
            if (kind, folded) in table:
                return table[(kind, folded)]
        return None

    def _remember(self, values: Mapping[str, Any], claim_id: int | None, location: str) -> _Known:
        known = _Known(claim_id, values["key"], location)
        table = self._duplicates.get(values["source_id"])
        if table is not None:
            for kind, folded in _duplicate_keys(values["statement"], values["quote"]):
                table.setdefault((kind, folded), known)
        return known

    def _moved(self, old: Stored, claim: PendingClaim) -> None:
        """Keep the index of duplicate keys in step with an updated claim."""
        table = self._duplicates.get(old.values["source_id"])
        if table is None:
            return
        mine = [name for name, known in table.items() if known.id == old.id]
        if not mine:
            return  # retracted or merged: not a claim to repeat
        for name in mine:
            del table[name]
        self._remember(claim.values, old.id, "")

    # -- what was done ------------------------------------------------------------------

    def _record(self, written: Written, where: dict[tuple[Any, ...], str]) -> None:
        """Audit entries for the added and updated claims, and the fields each update
        changed for the summary."""
        entries: list[dict[str, Any]] = []
        for claim_id, claim in written.added:
            entries.append(
                {
                    "action": "import-add",
                    "target": f"claim {claim_id}",
                    "claim_id": claim_id,
                    "note": where.get(claim.identity),
                }
            )
        for old, claim in written.updated:
            changed = changed_fields(old, claim)
            before = self._view(old.values, old.topics)
            after = self._view(claim.values, claim.topics)
            label = f"claim {claim.values['key'] or old.id}"
            self.outcomes.updated.append((label, changed))
            entries.append(
                {
                    "action": "import-update",
                    "target": f"claim {old.id}",
                    "claim_id": old.id,
                    "detail": {"changes": audit.changes(before, after)},
                    "note": where.get(("id", old.id)),
                }
            )
        audit.record_many(self.session, entries)

    def _view(self, values: Mapping[str, Any], topics: Mapping[int, str | None]) -> dict[str, Any]:
        """A claim's fields as a person reads them, for audit diffs."""
        if self._slugs is None:
            self._slugs = dict(self.session.execute(select(Topic.id, Topic.slug)).all())
        missing = [topic_id for topic_id in topics if topic_id not in self._slugs]
        if missing:
            found = self.session.execute(select(Topic.id, Topic.slug).where(Topic.id.in_(missing)))
            self._slugs.update((int(topic_id), str(slug)) for topic_id, slug in found)
        slugs = self._slugs
        return {
            "key": values["key"],
            "source": values["source_id"],
            "statement": values["statement"],
            "quote": values["quote"],
            "language": values["language"],
            "speaker": values["speaker"],
            "topics": sorted(
                slugs[topic_id] + (" (suggested)" if link is not None else "")
                for topic_id, link in topics.items()
            ),
            "subject": values["subject"],
            "property": values["property_name"],
            "value": _value_text(values),
            "event_date": stored_iso(values["event_date"], values["event_precision"]),
            "as_of": stored_iso(values["as_of"], values["as_of_precision"]),
            "forecast": values["forecast"],
            "occasion": values["occasion"],
            "polarity": values["polarity"]
            + (" (suggested)" if values["polarity_suggested"] else ""),
            "status": values["status"],
            "note": values["note"],
        }


def changed_fields(old: Stored, claim: PendingClaim) -> list[str]:
    """The document fields whose columns differ between the stored claim and ``claim``."""
    changed = []
    for name, columns in COLUMNS_OF.items():
        if name == "topics":
            if old.topics != claim.topics:
                changed.append(name)
        elif any(old.values[column] != claim.values[column] for column in columns):
            changed.append(name)
    return changed


def _require(record: Record, data: dict[str, Any]) -> None:
    for name in REQUIRED:
        if not data.get(name):
            raise ImportFailed(f"{record.location}: {name}: required")


def claim_input_of(data: dict[str, Any]) -> ClaimInput:
    """What a validated claim record gives, as recording a claim takes it."""
    return ClaimInput(**{**data, "topics": data.get("topics") or ()})


def _gives(data: Mapping[str, Any], name: str) -> bool:
    """Whether the record gives the field ``name`` (the quantity by any of its parts)."""
    if name == "value":
        return any(part in data for part in QUANTITY_FIELDS)
    return name in data


def _merged(data: dict[str, Any], stored: Mapping[str, Any]) -> dict[str, Any]:
    """The record's fields over the stored claim's, as a user would type them.

    The quantity and the dates a record leaves out are not given back here but kept
    as stored (:func:`_keep_stored`), so they cannot come back as other figures.
    """
    merged: dict[str, Any] = {name: stored[column] for name, column in _TEXT_COLUMN.items()}
    merged["key"] = stored["key"]
    merged["source"] = str(stored["source_id"])
    if stored["polarity_suggested"]:
        # Suggested from the words: read from the words again, as the record leaves them.
        merged["polarity"] = None
    if not _gives(data, "value") or "value" in data or "value_num" in data:
        return {**merged, **data}
    # Only the unit or qualifier: the stored figure with them.
    parts = quantity_fields(
        stored["value_text"],
        stored["value_num"],
        stored["value_unit"],
        stored["value_low"],
        stored["value_high"],
        stored["value_qualifier"],
    )
    if "value" in parts:
        parts.pop("unit", None)
    return {**merged, **parts, **data}


def _keep_stored(
    values: dict[str, Any], stored: Mapping[str, Any], data: Mapping[str, Any]
) -> None:
    """The stored columns of the quantity and dates the record leaves out."""
    for name in ("value", "event_date", "as_of"):
        if not _gives(data, name):
            for column in COLUMNS_OF[name]:
                values[column] = stored[column]


def _checked_text(values: Mapping[str, Any]) -> str:
    """The text a claim's language is checked against."""
    return str(values["quote"] or values["statement"])


def _duplicate_keys(statement: str | None, quote: str | None) -> list[tuple[str, str]]:
    found = []
    for kind, text in (("statement", statement), ("quote", quote)):
        folded = duplicate_key(text)
        if folded:
            found.append((kind, folded))
    return found


def _value_text(values: Mapping[str, Any]) -> str | None:
    if values["value_text"] is not None:
        return str(values["value_text"])
    if values["value_num"] is None:
        return None
    parts = [values["value_qualifier"], f"{values['value_num']:g}", values["value_unit"]]
    return " ".join(str(part) for part in parts if part)
