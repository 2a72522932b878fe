"""Correcting what is recorded: a claim, a source or an entity, one field at a time.

An edit changes only the fields given. The stored record is read back as the input that
would record it (:func:`factbase.claims.recording.stored_input`), the fields given are laid
over it, and the result goes through the same checks as `factbase add`: derived values
(a value's interval, a date's period, search text, entity links) are worked out again
from the corrected words. The claim's conflicts are checked again at once: findings
that no longer hold are withdrawn, decided ones are kept and flagged stale. Every edit
leaves one audit entry holding each changed field before and after.

Rows are read with ``FOR UPDATE`` (PostgreSQL) inside a write transaction (SQLite takes
the write lock first), so two people editing one claim at once never overwrite each
other: the second edit waits and is applied on top of the first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields, replace
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from factbase.analysis.conflicts import scan
from factbase.analysis.edit_rules import (
    CLAIM_EDIT_FIELDS,
    ConflictChange,
    Edit,
    blank_is_none,
    claim_snapshot,
    conflict_changes,
    edited_input,
    unknown_fields,
)
from factbase.catalog import audit
from factbase.catalog.entities import get_entity, resolve_entity
from factbase.catalog.source_texts import attach_text
from factbase.catalog.sources import SourceInput, get_source, update_source
from factbase.catalog.topics import require_topics
from factbase.claims.query import get_claim
from factbase.claims.recording import (
    SessionLookups,
    record_search_forms,
    stored_input,
    topic_link_models,
)
from factbase.claims.values import (
    ClaimInput,
    claim_topics,
    claim_values,
    refuse_unanchored,
    topic_link,
)
from factbase.errors import AlreadyExists, InvalidInput
from factbase.store.models import Claim, Conflict, Entity, EntityAlias, Source
from factbase.text.articles import ArticleText
from factbase.text.date_formats import stored_iso
from factbase.text.language import fold, normalise_text, within

SOURCE_EDIT_FIELDS: tuple[str, ...] = tuple(
    given.name for given in fields(SourceInput) if given.name != "created_at"
)
ENTITY_EDIT_FIELDS: tuple[str, ...] = ("name", "kind", "note")

# -- claims --------------------------------------------------------------------------


def edit_claim(
    session: Session,
    ref: str | int,
    given: Mapping[str, Any],
    *,
    topics: Sequence[str] | None = None,
    why: str | None = None,
    create_topics: bool = True,
    strict: bool = False,
) -> Edit:
    """Change the fields ``given`` (ClaimInput names; "" clears) of the claim ``ref``.

    ``topics`` replaces the claim's topics (an empty sequence removes them all); when it
    is None the topics stay, except that topics factbase suggested are suggested again
    from corrected words. A topic no one created is created, or refused unless
    ``create_topics``. A corrected quote (or source) is located in the source's text
    again; ``strict`` refuses one the text does not hold. Never commits: a dry run is the
    caller rolling back.
    """
    unknown_fields(given, CLAIM_EDIT_FIELDS, "a claim")
    claim = _locked(session, get_claim(session, ref))
    if claim.merged_into_id is not None:
        raise InvalidInput(
            f"claim {claim.id} was merged into claim {claim.merged_into_id}; edit that one"
        )
    if topics and not create_topics:
        require_topics(session, topics)
    before = _claim_snapshot(session, claim)
    new_input = edited_input(stored_input(claim), blank_is_none(given))
    edit = Edit(f"claim {claim.id}")
    lookups = SessionLookups(session)
    values = claim_values(new_input, lookups, edit.warnings)
    record_search_forms(session, (values,))
    if strict:
        refuse_unanchored(values)
    _check_claim_key(session, values["key"], claim.id)
    for name, value in values.items():
        if getattr(claim, name) != value:
            setattr(claim, name, value)
    _retopic(session, claim, new_input, values, topics, lookups, before)
    session.flush()
    session.refresh(claim)
    edit.changes = audit.changes(before, _claim_snapshot(session, claim))
    if not edit.changed:
        return edit
    _recheck_conflicts(session, claim.id, edit)
    entry = audit.record(
        session,
        "edit",
        edit.target,
        detail={"changes": edit.changes},
        note=normalise_text(why) if why else None,
        claim_id=claim.id,
        source_id=claim.source_id,
    )
    edit.audit_id = entry.id
    return edit


def _locked(session: Session, claim: Claim) -> Claim:
    """The claim read again under a row lock, as committed by anyone before us."""
    session.refresh(claim, with_for_update=True)
    return claim


def _source_ref(session: Session, source_id: int) -> str:
    source = session.get(Source, source_id)
    return source.key if source is not None and source.key else str(source_id)


def _claim_snapshot(session: Session, claim: Claim) -> dict[str, Any]:
    """The claim as a person reads it: the fields `edit` takes, and its topics."""
    return claim_snapshot(
        stored_input(claim, _source_ref(session, claim.source_id)),
        polarity=claim.polarity,
        polarity_suggested=claim.polarity_suggested,
        quote_match=claim.quote_match,
        topics=[(link.topic.slug, link.suggested) for link in claim.claim_topics],
    )


def _check_claim_key(session: Session, key: str | None, own_id: int) -> None:
    if not key:
        return
    other = session.scalar(select(Claim.id).where(Claim.key == key, Claim.id != own_id))
    if other is not None:
        raise AlreadyExists(f"claim {other} already has key {key!r}")


def _retopic(
    session: Session,
    claim: Claim,
    new_input: ClaimInput,
    values: dict[str, Any],
    topics: Sequence[str] | None,
    lookups: SessionLookups,
    before: dict[str, Any],
) -> None:
    """Give the claim ``topics``; or suggest again when only suggestions were there and
    the words changed."""
    if topics is not None:
        wanted = claim_topics(replace(new_input, topics=tuple(topics)), values, lookups, [])
        if not topics:
            wanted = {}
    else:
        current = claim.claim_topics
        words_changed = (before["statement"], before["quote"]) != (
            values["statement"],
            values["quote"],
        )
        if not words_changed or any(not link.suggested for link in current):
            return
        wanted = claim_topics(replace(new_input, topics=()), values, lookups, [])
    current_links = {
        link.topic_id: topic_link(link.suggested, link.keyword) for link in claim.claim_topics
    }
    if current_links != wanted:
        claim.claim_topics = topic_link_models(wanted)


def _conflict_states(session: Session, claim_id: int) -> dict[int, ConflictChange]:
    rows = session.execute(
        select(
            Conflict.id,
            Conflict.claim_a_id,
            Conflict.claim_b_id,
            Conflict.kind,
            Conflict.status,
            Conflict.stale,
        ).where(or_(Conflict.claim_a_id == claim_id, Conflict.claim_b_id == claim_id))
    )
    return {
        row.id: ConflictChange(
            row.id,
            row.claim_b_id if row.claim_a_id == claim_id else row.claim_a_id,
            row.kind,
            "stale" if row.stale else row.status,
        )
        for row in rows
    }


def _recheck_conflicts(session: Session, claim_id: int, edit: Edit) -> None:
    """Scan the claim again, noting which of its conflicts appeared, went or went stale."""
    before = _conflict_states(session, claim_id)
    scan(session, [claim_id])
    session.expire_all()
    after = _conflict_states(session, claim_id)
    conflict_changes(before, after, edit)


# -- sources -------------------------------------------------------------------------


def _source_input(source: Source) -> SourceInput:
    return SourceInput(
        outlet=source.outlet.name,
        title=source.title,
        key=source.key,
        url=source.url,
        language=source.language,
        published=stored_iso(source.published, source.published_precision),
        author=source.author,
        retrieved=stored_iso(source.retrieved, source.retrieved_precision),
        cites=tuple(outlet.name for outlet in source.cites),
        note=source.note,
    )


def _source_snapshot(source: Source) -> dict[str, Any]:
    stored = _source_input(source)
    snapshot = {name: getattr(stored, name) for name in SOURCE_EDIT_FIELDS}
    snapshot["cites"] = sorted(snapshot["cites"])
    return snapshot


def edit_source(
    session: Session,
    ref: str | int,
    given: Mapping[str, Any],
    *,
    why: str | None = None,
    article: ArticleText | None = None,
) -> Edit:
    """Change the fields ``given`` (SourceInput names; "" clears) of the source ``ref``,
    and give it the text ``article`` when one is given: its claims' quotes are located in
    it again (the edit's ``text_sha256`` change, with how many quotes match, and a warning
    for each claim whose quote it lacks).

    A new publication date changes what its claims' dates mean, so their conflicts are
    checked again. Never commits.
    """
    unknown_fields(given, SOURCE_EDIT_FIELDS, "a source")
    source = get_source(session, ref)
    session.refresh(source, with_for_update=True)
    before = _source_snapshot(source)
    cleaned = blank_is_none(given)
    for required in ("outlet", "title"):
        if required in cleaned and cleaned[required] is None:
            raise InvalidInput(f"{required}: a source needs one")
    if "cites" in cleaned and cleaned["cites"] is None:
        cleaned["cites"] = ()
    update_source(session, source, replace(_source_input(source), **cleaned))
    session.refresh(source)
    edit = Edit(f"source {source.id}", changes=audit.changes(before, _source_snapshot(source)))
    detail: dict[str, Any] = {}
    if article is not None:
        attached = attach_text(session, source, article, record_audit=False)
        if attached.changed:
            edit.changes["text_sha256"] = [attached.previous_sha256, attached.sha256]
            detail["quotes"] = dict(attached.matches)
            edit.warnings += [
                f"claim {claim_id}: quote not found in the new text"
                for claim_id in attached.not_found
            ]
    if not edit.changed:
        return edit
    if {"published", "outlet", "language"} & set(edit.changes):
        claim_ids = list(session.scalars(select(Claim.id).where(Claim.source_id == source.id)))
        if claim_ids:
            scan(session, claim_ids)
    entry = audit.record(
        session,
        "source-edit",
        edit.target,
        detail={"changes": edit.changes, **detail},
        note=normalise_text(why) if why else None,
        source_id=source.id,
    )
    edit.audit_id = entry.id
    return edit


# -- entities ------------------------------------------------------------------------


def _entity_snapshot(entity: Entity) -> dict[str, Any]:
    return {
        "name": entity.name,
        "kind": entity.kind,
        "note": entity.note,
        "aliases": sorted(alias.alias for alias in entity.aliases),
    }


def edit_entity(
    session: Session,
    ref: str,
    given: Mapping[str, Any],
    *,
    add_aliases: Sequence[str] = (),
    remove_aliases: Sequence[str] = (),
    why: str | None = None,
) -> Edit:
    """Rename an entity, change its kind or note, add or remove spellings. Never commits.

    A claim is linked to an entity by spelling: claims that name a new spelling are
    linked to it, claims whose spelling is removed are unlinked.
    """
    unknown_fields(given, ENTITY_EDIT_FIELDS, "an entity")
    entity = get_entity(session, ref)
    session.refresh(entity, with_for_update=True)
    before = _entity_snapshot(entity)
    cleaned = blank_is_none(given)
    if "name" in cleaned:
        name = within(normalise_text(cleaned["name"] or ""), 300, "entity name")
        if not name:
            raise InvalidInput("name: an entity needs a name")
        _claim_spelling(session, entity, name)
        entity.name = name
    if "kind" in cleaned:
        kind = cleaned["kind"]
        entity.kind = within(normalise_text(kind), 50, "entity kind") if kind else None
    if "note" in cleaned:
        entity.note = normalise_text(cleaned["note"]) if cleaned["note"] else None
    for alias in add_aliases:
        _claim_spelling(session, entity, within(normalise_text(alias), 300, "alias"))
    for alias in remove_aliases:
        _drop_spelling(session, entity, alias)
    session.flush()
    session.refresh(entity)
    edit = Edit(f"entity {entity.id}", changes=audit.changes(before, _entity_snapshot(entity)))
    if edit.changed:
        _relink_claims(session, _spelling_keys(before, _entity_snapshot(entity)))
        edit.audit_id = audit.record(
            session,
            "entity-edit",
            edit.target,
            detail={"changes": edit.changes},
            note=normalise_text(why) if why else None,
        ).id
    return edit


def _claim_spelling(session: Session, entity: Entity, spelling: str) -> None:
    key = fold(spelling)
    if not key:
        raise InvalidInput("an alias needs letters")
    owner = resolve_entity(session, spelling)
    if owner is not None and owner.id != entity.id:
        raise AlreadyExists(
            f"{spelling!r} already names entity {owner.id} ({owner.name}); "
            f"merge them with `factbase entities merge`"
        )
    if owner is None:
        entity.aliases.append(EntityAlias(alias=spelling, alias_key=key))


def _drop_spelling(session: Session, entity: Entity, spelling: str) -> None:
    key = fold(spelling)
    if key == fold(entity.name):
        raise InvalidInput(f"{spelling!r} is the entity's name; rename it first")
    for alias in list(entity.aliases):
        if alias.alias_key == key:
            entity.aliases.remove(alias)
            return
    raise InvalidInput(f"{spelling!r} is not a spelling of entity {entity.id}")


def _spelling_keys(*snapshots: dict[str, Any]) -> list[str]:
    return sorted({fold(alias) for snapshot in snapshots for alias in snapshot["aliases"]})


def _relink_claims(session: Session, keys: Sequence[str]) -> None:
    """Point the subject and speaker of claims spelt one of ``keys`` at the entity that
    spelling names now (or at none)."""
    session.flush()
    for id_column, key_column in (
        (Claim.subject_id, Claim.subject_key),
        (Claim.speaker_id, Claim.speaker_key),
    ):
        owner = (
            select(EntityAlias.entity_id)
            .where(EntityAlias.alias_key == key_column)
            .scalar_subquery()
        )
        session.execute(
            update(Claim)
            .where(key_column.in_(keys), id_column.is_distinct_from(owner))
            .values({id_column: owner})
            .execution_options(synchronize_session=False)
        )


def merge_entities(
    session: Session, keep_ref: str, drop_ref: str, *, why: str | None = None
) -> Edit:
    """Make ``drop_ref`` a spelling of ``keep_ref``: its aliases move, its claims follow,
    and it is removed; the audit entry keeps what it was. Never commits."""
    keep, drop = get_entity(session, keep_ref), get_entity(session, drop_ref)
    if keep.id == drop.id:
        raise InvalidInput("an entity cannot be merged into itself")
    before = _entity_snapshot(keep)
    dropped = _entity_snapshot(drop)
    spellings = [(alias.alias, alias.alias_key) for alias in drop.aliases]
    claim_ids = [
        *session.scalars(
            select(Claim.id).where(or_(Claim.subject_id == drop.id, Claim.speaker_id == drop.id))
        )
    ]
    session.delete(drop)
    session.flush()
    for spelling, key in spellings:
        keep.aliases.append(EntityAlias(alias=spelling, alias_key=key))
    if not keep.kind and dropped["kind"]:
        keep.kind = dropped["kind"]
    session.flush()
    _relink_claims(session, _spelling_keys(before, dropped))
    session.refresh(keep)
    edit = Edit(f"entity {keep.id}", changes=audit.changes(before, _entity_snapshot(keep)))
    if claim_ids:
        scan(session, claim_ids)
    edit.audit_id = audit.record(
        session,
        "entity-merge",
        edit.target,
        detail={"changes": edit.changes, "merged": {"id": drop.id, **dropped}},
        note=normalise_text(why) if why else None,
    ).id
    return edit
