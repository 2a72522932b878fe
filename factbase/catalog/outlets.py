"""Outlets and the stances they are rated with."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from factbase.errors import AlreadyExists, InvalidInput, NotFound, as_id, in_field
from factbase.store.models import Claim, Outlet, Source, Stance
from factbase.text.language import fold, normalise_text, validate_language, within

UNRATED = "unrated"
_STANCE_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class OutletSummary:
    outlet: Outlet
    sources: int
    claims: int


def list_stances(session: Session) -> list[Stance]:
    return list(session.scalars(select(Stance).order_by(Stance.name)))


def stance_colours(session: Session) -> dict[str, str | None]:
    """stance name -> its colour (None: uncoloured), as every stance column shows it."""
    return {stance.name: stance.colour for stance in list_stances(session)}


def add_stance(
    session: Session, name: str, description: str | None = None, colour: str | None = None
) -> Stance:
    name = within(name.strip().lower(), 40, "stance name")
    if not _STANCE_NAME.match(name):
        raise InvalidInput(
            f"stance {name!r} must be lower-case words joined by hyphens, e.g. 'pro-western'"
        )
    if session.get(Stance, name) is not None:
        raise AlreadyExists(f"stance {name!r} exists already")
    stance = Stance(name=name, description=description, colour=colour)
    session.add(stance)
    session.flush()
    return stance


def get_stance(session: Session, name: str) -> Stance:
    stance = session.get(Stance, name.strip().lower())
    if stance is None:
        known = ", ".join(s.name for s in list_stances(session))
        raise NotFound(
            f"unknown stance {name!r}; known: {known} (add one with `factbase stance add`)"
        )
    return stance


def find_outlet(session: Session, name: str) -> Outlet | None:
    return session.scalar(select(Outlet).where(Outlet.name_key == fold(name)))


def get_outlet(session: Session, ref: str | int) -> Outlet:
    """An outlet by name (case-insensitive) or, failing that, by id.

    The name wins so that an outlet called "112" can be named.
    """
    outlet = find_outlet(session, ref) if isinstance(ref, str) else None
    if outlet is None and (outlet_id := as_id(ref)) is not None:
        outlet = session.get(Outlet, outlet_id)
    if outlet is None:
        raise NotFound(f"no outlet {ref!r} (see `factbase outlet list`)")
    return outlet


def validate_country(code: str) -> str:
    code = code.strip().upper()
    if not _COUNTRY.match(code):
        raise InvalidInput(f"country {code!r} must be a two-letter ISO 3166-1 code such as KZ")
    return code


def add_outlet(
    session: Session,
    name: str,
    stance: str,
    *,
    country: str | None = None,
    language: str | None = None,
    homepage: str | None = None,
    note: str | None = None,
) -> Outlet:
    with in_field("name"):
        name = normalise_text(name)
    name = within(name, 200, "outlet name")
    if not name:
        raise InvalidInput("an outlet needs a name")
    if find_outlet(session, name) is not None:
        raise AlreadyExists(f"outlet {name!r} exists already")
    outlet = Outlet(
        name=name,
        name_key=fold(name),
        stance=get_stance(session, stance).name,
        country=validate_country(country) if country else None,
        language=validate_language(language) if language else None,
        homepage=homepage.strip() if homepage else None,
        note=normalise_text(note) if note else None,
    )
    session.add(outlet)
    session.flush()
    return outlet


def update_outlet(
    session: Session,
    outlet: Outlet,
    *,
    stance: str | None = None,
    country: str | None = None,
    language: str | None = None,
    homepage: str | None = None,
    note: str | None = None,
) -> bool:
    """Set the given fields; returns whether anything changed."""
    wanted = {
        "stance": get_stance(session, stance).name if stance else None,
        "country": validate_country(country) if country else None,
        "language": validate_language(language) if language else None,
        "homepage": homepage.strip() if homepage else None,
        "note": normalise_text(note) if note else None,
    }
    changed = False
    for field, value in wanted.items():
        if value is not None and getattr(outlet, field) != value:
            setattr(outlet, field, value)
            changed = True
    session.flush()
    return changed


def ensure_outlet(session: Session, name: str) -> Outlet:
    """The named outlet, created as unrated when unknown (for relayed outlets)."""
    existing = find_outlet(session, name)
    if existing is not None:
        return existing
    return add_outlet(session, name, UNRATED, note="Created when a source cited it.")


# The columns of an outlet in listings and exports, in order.
OUTLET_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "stance",
    "country",
    "language",
    "homepage",
    "note",
    "sources",
    "claims",
)


def outlets_query(
    session: Session, columns: Sequence[Any], *, stance: str | None = None
) -> Select[Any]:
    """``columns`` of the outlets of ``stance`` (all without it), then their numbers of
    ``sources`` and ``claims``, by name."""
    sources = (
        select(Source.outlet_id, func.count().label("n")).group_by(Source.outlet_id).subquery()
    )
    claims = (
        select(Source.outlet_id, func.count(Claim.id).label("n"))
        .join(Claim, Claim.source_id == Source.id)
        .group_by(Source.outlet_id)
        .subquery()
    )
    query = (
        select(
            *columns,
            func.coalesce(sources.c.n, 0).label("sources"),
            func.coalesce(claims.c.n, 0).label("claims"),
        )
        .outerjoin(sources, sources.c.outlet_id == Outlet.id)
        .outerjoin(claims, claims.c.outlet_id == Outlet.id)
        .order_by(Outlet.name_key)
    )
    if stance:
        query = query.where(Outlet.stance == get_stance(session, stance).name)
    return query


def list_outlets(session: Session, *, stance: str | None = None) -> list[OutletSummary]:
    query = outlets_query(session, [Outlet], stance=stance)
    return [OutletSummary(o, int(s), int(c)) for o, s, c in session.execute(query)]


def outlet_records(session: Session, *, stance: str | None = None) -> list[dict[str, Any]]:
    """The outlets :func:`list_outlets` finds as :data:`OUTLET_COLUMNS` name their fields."""
    return [
        {
            "id": summary.outlet.id,
            "name": summary.outlet.name,
            "stance": summary.outlet.stance,
            "country": summary.outlet.country,
            "language": summary.outlet.language,
            "homepage": summary.outlet.homepage,
            "note": summary.outlet.note,
            "sources": summary.sources,
            "claims": summary.claims,
        }
        for summary in list_outlets(session, stance=stance)
    ]


# The columns of a stance in `factbase stance list`, in order.
STANCE_COLUMNS: tuple[str, ...] = ("name", "description", "colour")


def stance_records(session: Session) -> list[dict[str, Any]]:
    """Every stance as :data:`STANCE_COLUMNS` name its fields."""
    return [
        {"name": s.name, "description": s.description, "colour": s.colour}
        for s in list_stances(session)
    ]
