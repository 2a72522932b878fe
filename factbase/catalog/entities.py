"""Entities: the people, countries, bodies and things claims are about.

Every spelling of an entity is an alias (the canonical name too), stored
case-folded with ё = е, so `КТК`, `CPC` and `Каспийский трубопроводный
консорциум` resolve to one subject.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from factbase.errors import AlreadyExists, InvalidInput, NotFound, as_id
from factbase.store.models import Claim, Entity, EntityAlias
from factbase.text.language import fold, normalise_text, within


@dataclass
class EntityInput:
    name: str
    kind: str | None = None
    aliases: Sequence[str] = field(default_factory=tuple)
    note: str | None = None


@dataclass(frozen=True)
class EntitySummary:
    entity: Entity
    claims: int


def resolve_entity(session: Session, name: str | None) -> Entity | None:
    """The entity one of whose spellings is ``name``, if any."""
    if not name or not fold(name):
        return None
    return session.scalar(
        select(Entity).join(EntityAlias).where(EntityAlias.alias_key == fold(name))
    )


def get_entity(session: Session, ref: str) -> Entity:
    entity = resolve_entity(session, ref)
    if entity is None and (entity_id := as_id(ref)) is not None:
        entity = session.get(Entity, entity_id)
    if entity is None:
        raise NotFound(f"no entity {ref!r} (see `factbase entities`)")
    return entity


def _spellings(name: str, aliases: Iterable[str]) -> dict[str, str]:
    """Fold key -> spelling, the canonical name first so it wins over an alias."""
    spellings: dict[str, str] = {}
    for spelling in (name, *aliases):
        spelling = within(normalise_text(spelling), 300, "entity name or alias")
        if spelling and fold(spelling) not in spellings:
            spellings[fold(spelling)] = spelling
    return spellings


def upsert_entity(session: Session, data: EntityInput) -> tuple[Entity, str]:
    """Create an entity or add to it; returns it and 'added', 'updated' or 'unchanged'.

    An entity is found by its name or any of its aliases; aliases are only ever
    added, so two files that each know some spellings can both be imported.
    """
    name = normalise_text(data.name)
    if not name:
        raise InvalidInput("an entity needs a name")
    spellings = _spellings(name, data.aliases)
    entity = _find_by_any(session, spellings)
    status = "unchanged"
    if entity is None:
        entity = Entity(name=name)
        session.add(entity)
        status = "added"
    kind = within(normalise_text(data.kind), 50, "entity kind") if data.kind else None
    for attr, value in (("kind", kind), ("note", data.note)):
        value = normalise_text(value) if value else None
        if value and getattr(entity, attr) != value:
            setattr(entity, attr, value)
            status = "updated" if status == "unchanged" else status
    session.flush()
    known = {alias.alias_key for alias in entity.aliases}
    new_keys = [key for key in spellings if key not in known]
    for key in new_keys:
        entity.aliases.append(EntityAlias(alias=spellings[key], alias_key=key))
        status = "updated" if status == "unchanged" else status
    session.flush()
    if new_keys:
        _attach_claims(session, entity.id, new_keys)
    return entity, status


def _attach_claims(session: Session, entity_id: int, keys: list[str]) -> None:
    """Claims recorded before this spelling was known now resolve to the entity too."""
    for id_column, key_column in (
        (Claim.subject_id, Claim.subject_key),
        (Claim.speaker_id, Claim.speaker_key),
    ):
        session.execute(
            update(Claim)
            .where(id_column.is_(None), key_column.in_(keys))
            .values({id_column: entity_id})
            .execution_options(synchronize_session=False)
        )


def _find_by_any(session: Session, spellings: dict[str, str]) -> Entity | None:
    rows = session.execute(
        select(EntityAlias.alias, EntityAlias.entity_id).where(
            EntityAlias.alias_key.in_(list(spellings))
        )
    ).all()
    entity_ids = {entity_id for _alias, entity_id in rows}
    if len(entity_ids) > 1:
        names = ", ".join(sorted(alias for alias, _ in rows))
        raise AlreadyExists(f"the spellings {names} belong to different entities already")
    return session.get(Entity, entity_ids.pop()) if entity_ids else None


def list_entities(
    session: Session, *, kind: str | None = None, search: str | None = None
) -> list[EntitySummary]:
    mentions = (
        select(Entity.id.label("entity_id"), func.count(Claim.id).label("n"))
        .join(Claim, or_(Claim.subject_id == Entity.id, Claim.speaker_id == Entity.id))
        .group_by(Entity.id)
        .subquery()
    )
    query = (
        select(Entity, func.coalesce(mentions.c.n, 0))
        .outerjoin(mentions, mentions.c.entity_id == Entity.id)
        .order_by(Entity.name)
    )
    if kind:
        query = query.where(Entity.kind == normalise_text(kind))
    if search:
        matching = select(EntityAlias.entity_id).where(
            EntityAlias.alias_key.contains(fold(search), autoescape=True)
        )
        query = query.where(Entity.id.in_(matching))
    return [EntitySummary(e, int(n)) for e, n in session.execute(query)]


# The columns of an entity in `factbase entities`, in order.
ENTITY_COLUMNS: tuple[str, ...] = ("id", "name", "kind", "aliases", "claims")


def entity_records(
    session: Session, *, kind: str | None = None, search: str | None = None
) -> list[dict[str, Any]]:
    """The entities :func:`list_entities` finds as :data:`ENTITY_COLUMNS` name their fields;
    the aliases are the other spellings, not the name again."""
    return [
        {
            "id": summary.entity.id,
            "name": summary.entity.name,
            "kind": summary.entity.kind,
            "aliases": [a.alias for a in summary.entity.aliases if a.alias != summary.entity.name],
            "claims": summary.claims,
        }
        for summary in list_entities(session, kind=kind, search=search)
    ]
