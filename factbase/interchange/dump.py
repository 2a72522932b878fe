"""`factbase export all`: the database as an interchange document (docs/format.md).

What `factbase import` reads, this writes: custom stances, entities, topics,
outlets, sources, claims (with their retraction and timestamps), links, conflict
decisions, verdicts, settings and the audit log, so an export imported into an empty database gives
the same records and review work back, Cyrillic and all, and exporting that
database again gives the same document, byte for byte. Records are streamed
section by section.

A few things have no place in the format and are written so nothing is lost:
a source with neither key nor URL gets the key ``source-<id>`` (claims name
their source by key or URL), and a keyless claim that a link, a decision, a
merged duplicate or the audit log names gets ``claim-<id>``. Open conflicts are
found again by the import's scan; decided ones are written with their decision
(:mod:`factbase.interchange.review_work`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, aliased

from factbase.catalog.source_fields import SourceReader
from factbase.catalog.source_fields import document_fields as source_document_fields
from factbase.catalog.sources import selected_source_columns
from factbase.claims.fields import ClaimField, RecordReader, document_fields
from factbase.claims.fields import claim_ref as claim_ref  # factbase.interchange's, still
from factbase.claims.fields import source_ref as source_ref  # factbase.interchange's, still
from factbase.claims.filter import ClaimFilter
from factbase.claims.query import claims_query
from factbase.claims.record import MERGED, selected
from factbase.claims.values import quantity_fields
from factbase.interchange.exports import cited_outlets, topics_of
from factbase.interchange.readers import SECTION_OF_TYPE
from factbase.interchange.review_work import (
    audit_records,
    conflict_records,
    keyless_named,
    stance_records,
)
from factbase.interchange.source_texts import text_fields
from factbase.interchange.verdict_records import setting_records, verdict_records
from factbase.store.batches import chunks
from factbase.store.models import (
    Claim,
    ClaimLink,
    Entity,
    EntityAlias,
    Outlet,
    Source,
    SourceCite,
    Topic,
    TopicKeyword,
)
from factbase.text.date_formats import timestamp_iso

TYPE_OF_SECTION = {section: kind for kind, section in SECTION_OF_TYPE.items()}


def _drop_empty(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None and v != []}


def _entities(session: Session) -> Iterator[dict[str, Any]]:
    query = select(Entity.id, Entity.name, Entity.kind, Entity.note).order_by(Entity.name)
    for chunk in chunks(session, query):
        aliases: dict[int, list[str]] = {}
        for entity_id, alias in session.execute(
            select(EntityAlias.entity_id, EntityAlias.alias)
            .where(EntityAlias.entity_id.in_([row.id for row in chunk]))
            .order_by(EntityAlias.alias)
        ):
            aliases.setdefault(entity_id, []).append(alias)
        for row in chunk:
            others = [a for a in aliases.get(row.id, []) if a != row.name]
            yield _drop_empty(
                {"name": row.name, "kind": row.kind, "aliases": others, "note": row.note}
            )


def _topics(session: Session) -> Iterator[dict[str, Any]]:
    """Every topic, parents before their children."""
    rows = session.execute(
        select(
            Topic.id,
            Topic.slug,
            Topic.label,
            Topic.parent_id,
            Topic.iptc_code,
            Topic.iptc_label,
            Topic.iptc_broader,
        )
    ).all()
    keywords: dict[int, list[str]] = {}
    for topic_id, keyword in session.execute(
        select(TopicKeyword.topic_id, TopicKeyword.keyword).order_by(TopicKeyword.keyword)
    ):
        keywords.setdefault(topic_id, []).append(keyword)
    slug = {row.id: row.slug for row in rows}
    children: dict[int | None, list[Any]] = {}
    for row in sorted(rows, key=lambda r: r.slug):
        children.setdefault(row.parent_id, []).append(row)
    pending = list(reversed(children.get(None, [])))
    while pending:
        row = pending.pop()
        yield _drop_empty(
            {
                "slug": row.slug,
                "label": row.label,
                "parent": slug.get(row.parent_id) if row.parent_id else None,
                "iptc_code": row.iptc_code,
                "iptc_label": row.iptc_label,
                "iptc_broader": row.iptc_broader,
                "keywords": keywords.get(row.id, []),
            }
        )
        pending.extend(reversed(children.get(row.id, [])))


def _outlets(session: Session, source_ids: Select[Any] | None) -> Iterator[dict[str, Any]]:
    query = select(
        Outlet.name,
        Outlet.stance,
        Outlet.country,
        Outlet.language,
        Outlet.homepage,
        Outlet.note,
        Outlet.created_at,
    ).order_by(Outlet.name_key)
    if source_ids is not None:
        query = query.where(
            or_(
                Outlet.id.in_(select(Source.outlet_id).where(Source.id.in_(source_ids))),
                Outlet.id.in_(
                    select(SourceCite.outlet_id).where(SourceCite.source_id.in_(source_ids))
                ),
            )
        )
    for chunk in chunks(session, query):
        for row in chunk:
            record = dict(row._mapping)
            yield _drop_empty({**record, "created_at": timestamp_iso(row.created_at)})


def _sources(session: Session, source_ids: Select[Any] | None) -> Iterator[dict[str, Any]]:
    reader = SourceReader(source_document_fields())
    names = [field.document for field in reader.fields if field.document]
    source_id = reader.getter("source.id")
    query = (
        select(*selected_source_columns(reader.columns))
        .join(Outlet, Source.outlet_id == Outlet.id)
        .order_by(Source.id)
    )
    if source_ids is not None:
        query = query.where(Source.id.in_(source_ids))
    for chunk in chunks(session, query):
        ids = list(map(source_id, chunk))
        cites = cited_outlets(session, ids)
        texts = text_fields(session, ids)
        for row, own_id in zip(chunk, ids, strict=True):
            values = reader.record(row, cites).values()
            record = _drop_empty(dict(zip(names, values, strict=True)))
            yield {**record, **texts.get(own_id, {})}


def value_fields(row: Any) -> dict[str, Any]:
    """The claim's quantity (a row with the value columns) as the fields that give it back
    exactly on import: :func:`factbase.claims.recording.quantity_fields`."""
    return quantity_fields(
        row.value_text,
        row.value_num,
        row.value_unit,
        row.value_low,
        row.value_high,
        row.value_qualifier,
    )


def _claims(session: Session, claims: Select[Any], keyed: set[int]) -> Iterator[dict[str, Any]]:
    reader = RecordReader(document_fields())
    plan = _document_plan(reader.fields)
    claim_id = reader.getter("claim.id")
    # The claim a merged duplicate went into, named by key.
    query = claims.with_only_columns(*selected(reader.columns)).outerjoin(
        MERGED, Claim.merged_into_id == MERGED.id
    )
    for chunk in chunks(session, query):
        topics = topics_of(session, list(map(claim_id, chunk)))
        for row, values in zip(chunk, reader.tuples(chunk, topics), strict=True):
            record: dict[str, Any] = {}
            for name, i in plan:
                if name is None:
                    record.update(value_fields(row))
                else:
                    record[name] = values[i]
            if row.id in keyed:
                record["key"] = claim_ref(None, row.id)
            yield _drop_empty(record)


def _document_plan(fields: Sequence[ClaimField]) -> list[tuple[str | None, int]]:
    """(name in the document, index of the value) for each field a document holds, in
    order; the quantity's place once, as None: :func:`value_fields` writes it."""
    plan: list[tuple[str | None, int]] = []
    for i, field in enumerate(fields):
        if field.quantity:
            if (None, -1) not in plan:
                plan.append((None, -1))
        elif field.document:
            plan.append((field.document, i))
    return plan


def _links(session: Session, claim_ids: Select[Any] | None) -> Iterator[dict[str, Any]]:
    first, other = aliased(Claim), aliased(Claim)
    query = (
        select(
            ClaimLink.id,
            ClaimLink.kind,
            ClaimLink.note,
            ClaimLink.refining_id,
            ClaimLink.created_by,
            ClaimLink.created_at,
            first.id.label("a_id"),
            first.key.label("a_key"),
            other.id.label("b_id"),
            other.key.label("b_key"),
        )
        .join(first, ClaimLink.claim_a_id == first.id)
        .join(other, ClaimLink.claim_b_id == other.id)
        .order_by(ClaimLink.id)
    )
    if claim_ids is not None:
        query = query.where(
            ClaimLink.claim_a_id.in_(claim_ids), ClaimLink.claim_b_id.in_(claim_ids)
        )
    for chunk in chunks(session, query):
        for row in chunk:
            a, b = claim_ref(row.a_key, row.a_id), claim_ref(row.b_key, row.b_id)
            if row.kind == "refines" and row.refining_id == row.b_id:
                a, b = b, a  # the refining claim comes first
            yield _drop_empty(
                {
                    "claim": a,
                    "other": b,
                    "kind": row.kind,
                    "note": row.note,
                    "created_by": row.created_by,
                    "created_at": timestamp_iso(row.created_at),
                }
            )


def interchange_records(
    session: Session, where: ClaimFilter | None = None
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(section, record) for the whole database, or for the claims ``where`` selects.

    With a filter, only the sources and outlets those claims need come along (and
    the links and decisions between two of them, and the audit entries about them);
    stances, entities and topics always come whole.
    """
    # The whole database is every claim, retracted and merged ones too (they are part of
    # the record and others name them), whatever a listing leaves out by default.
    claims = (
        claims_query(session, where)
        if where is not None
        else select(Claim).join(Claim.source).join(Source.outlet).order_by(Claim.id)
    )
    chosen_claims = claims.with_only_columns(Claim.id) if where is not None else None
    chosen_sources = (
        claims.with_only_columns(Claim.source_id).order_by(None) if where is not None else None
    )
    keyed = keyless_named(session)
    yield from (("settings", r) for r in setting_records(session))
    yield from (("stances", r) for r in stance_records(session))
    yield from (("entities", r) for r in _entities(session))
    yield from (("topics", r) for r in _topics(session))
    yield from (("outlets", r) for r in _outlets(session, chosen_sources))
    yield from (("sources", r) for r in _sources(session, chosen_sources))
    yield from (("claims", r) for r in _claims(session, claims, keyed))
    yield from (("links", r) for r in _links(session, chosen_claims))
    yield from (("conflicts", r) for r in conflict_records(session, chosen_claims))
    yield from (("verdicts", r) for r in verdict_records(session, chosen_claims))
    yield from (("audit", r) for r in audit_records(session, chosen_claims))


def write_document(out: TextIO, records: Iterator[tuple[str, dict[str, Any]]]) -> int:
    """One JSON document with a list per section, written as the records come."""
    count, current = 0, None
    out.write("{")
    for section, record in records:
        if section != current:
            if current is not None:
                out.write("\n  ],")
            out.write(f"\n  {json.dumps(section)}: [\n    ")
            current = section
        else:
            out.write(",\n    ")
        out.write(json.dumps(record, ensure_ascii=False))
        count += 1
    out.write("\n  ]\n}\n" if current is not None else "}\n")
    return count


def write_lines(out: TextIO, records: Iterator[tuple[str, dict[str, Any]]]) -> int:
    """JSON Lines: one record a line, with its "type"."""
    count = 0
    for section, record in records:
        out.write(json.dumps({"type": TYPE_OF_SECTION[section], **record}, ensure_ascii=False))
        out.write("\n")
        count += 1
    return count
