"""Sources: the articles and documents claims come from."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from factbase.catalog.names import validate_key
from factbase.catalog.outlets import ensure_outlet, get_outlet, get_stance
from factbase.catalog.source_fields import (
    SourceReader,
    exported_fields,
    made_up_source_id,
    source_columns,
)
from factbase.errors import AlreadyExists, InvalidDate, InvalidInput, NotFound, as_id, in_field
from factbase.store.columns import column_label, loaded_value, model_attribute
from factbase.store.models import Claim, Outlet, Source
from factbase.text.dates import PartialDate, is_relative, parse_date, relative_publication
from factbase.text.language import (
    detect_language,
    normalise_text,
    tidied_field,
    validate_language,
    within,
)
from factbase.text.urls import normalise_url


@dataclass
class SourceInput:
    """What a user gives to record a source; text fields as typed."""

    outlet: str
    title: str
    key: str | None = None
    url: str | None = None
    language: str | None = None
    published: str | None = None
    author: str | None = None
    retrieved: str | None = None
    cites: Sequence[str] = field(default_factory=tuple)
    note: str | None = None
    # When it was recorded, as a document from `export all` gives it; else now.
    created_at: str | None = None


@dataclass(frozen=True)
class SourceSummary:
    source: Source
    claims: int


def validate_url(url: str) -> str:
    """``url`` made a valid IRI (factbase.text.urls); an error when it cannot be."""
    return within(normalise_url(url), 2000, "URL")


def find_source(session: Session, ref: str) -> Source | None:
    ref = ref.strip()
    source_id = as_id(ref)
    if source_id is not None:
        return session.get(Source, source_id)
    urls = {ref, _normalised_or_same(ref)}
    found = session.scalar(
        select(Source).where((Source.key == ref) | (Source.url.in_(sorted(urls)))).limit(1)
    )
    made_up = made_up_source_id(ref) if found is None else None
    if made_up is not None:
        # The key a document gave a source with neither key nor URL names it back.
        found = session.get(Source, made_up)
        if found is not None and (found.key is not None or found.url is not None):
            return None
    return found


def _normalised_or_same(ref: str) -> str:
    """A URL as sources store it, so `https://example.org/a b` finds its source."""
    try:
        return normalise_url(ref)
    except InvalidInput:
        return ref


def get_source(session: Session, ref: str | int) -> Source:
    """A source by id, key or URL."""
    source = find_source(session, str(ref))
    if source is None:
        raise source_not_found(ref)
    return source


def source_not_found(ref: str | int) -> NotFound:
    return NotFound(f"no source {ref!r} (give its id, key or URL; see `factbase source list`)")


def _stored_source_values(session: Session, data: SourceInput) -> dict[str, Any]:
    return source_values(data, lambda ref: get_outlet(session, ref).id)


def source_values(
    data: SourceInput,
    outlet_id: Callable[[str], int],
    read_date: Callable[[str], PartialDate] = parse_date,
    relative: Callable[[str], bool] = is_relative,
) -> dict[str, Any]:
    """The source's column values from what a user gave; every check a source goes through.

    ``outlet_id`` names the outlet (raising NotFound), ``read_date`` reads a date and
    ``relative`` tells whether one is relative: an import answers them from per-run
    caches, `factbase source add` with queries and dateparser.
    """
    with in_field("title"):
        title = normalise_text(data.title)
        if not title:
            raise InvalidInput("a source needs a title")
    with in_field("published"):
        published = read_date(data.published) if data.published else None
        if data.published and relative(data.published):
            raise InvalidDate(relative_publication(data.published))
    with in_field("retrieved"):
        retrieved = read_date(data.retrieved) if data.retrieved else None
    with in_field("language"):
        language = validate_language(data.language) if data.language else detect_language(title)
    with in_field("key"):
        key = validate_key(data.key) if data.key else None
    with in_field("url"):
        url = validate_url(data.url) if data.url else None
    with in_field("outlet"):
        outlet = outlet_id(data.outlet)
    return {
        "key": key,
        "url": url,
        "outlet_id": outlet,
        "title": title,
        "language": language,
        "published": published.start if published else None,
        "published_end": published.end if published else None,
        "published_precision": str(published.precision) if published else None,
        "retrieved": retrieved.start if retrieved else None,
        "retrieved_end": retrieved.end if retrieved else None,
        "retrieved_precision": str(retrieved.precision) if retrieved else None,
        "author": tidied_field(data.author, "author"),
        "note": tidied_field(data.note, "note"),
    }


def _cited_outlets(session: Session, names: Sequence[str]) -> list[Outlet]:
    outlets: dict[int, Outlet] = {}
    for name in names:
        if normalise_text(name):
            outlet = ensure_outlet(session, normalise_text(name))
            outlets[outlet.id] = outlet
    return sorted(outlets.values(), key=lambda o: o.name_key)


def _check_unique(session: Session, fields: dict[str, object], own_id: int | None) -> None:
    for column in ("key", "url"):
        value = fields[column]
        if value is None:
            continue
        other = session.scalar(select(Source).where(getattr(Source, column) == value))
        if other is not None and other.id != own_id:
            raise AlreadyExists(f"source {other.id} already has {column} {value!r}")


def add_source(session: Session, data: SourceInput) -> Source:
    fields = _stored_source_values(session, data)
    _check_unique(session, fields, None)
    source = Source(**fields)
    source.cites = _cited_outlets(session, data.cites)
    session.add(source)
    session.flush()
    return source


def update_source(session: Session, source: Source, data: SourceInput) -> bool:
    """Make the source match ``data``; returns whether anything changed."""
    fields = _stored_source_values(session, data)
    _check_unique(session, fields, source.id)
    changed = False
    for name, value in fields.items():
        if getattr(source, name) != value:
            setattr(source, name, value)
            changed = True
    cites = _cited_outlets(session, data.cites)
    if {o.id for o in source.cites} != {o.id for o in cites}:
        source.cites = cites
        changed = True
    session.flush()
    return changed


# The columns of a source in listings and exports, in order.
SOURCE_COLUMNS: tuple[str, ...] = source_columns()
_RECORD = SourceReader(exported_fields())
_MODELS: dict[str, Any] = {"source": Source, "outlet": Outlet}
# Where each column of the record comes from on a loaded source.
_OWNER: dict[str, Callable[[Source], Any]] = {
    "source": lambda source: source,
    "outlet": lambda source: source.outlet,
}


def source_column(column: str) -> Any:
    """``"outlet.name"`` as the model attribute, ``Outlet.name``."""
    return model_attribute(_MODELS, column)


def selected_source_columns(columns: Sequence[str]) -> list[Any]:
    """A select list for ``columns`` (a :func:`~factbase.store.columns.column_plan`)
    from a query joining Source and Outlet: a source's columns labelled by their attribute,
    its outlet's after the table (``outlet_name``), so none collide."""
    return [source_column(column).label(column_label(column, "source")) for column in columns]


def sources_query(
    session: Session,
    columns: Sequence[Any],
    *,
    outlet: str | None = None,
    language: str | None = None,
    stance: str | None = None,
) -> Select[Any]:
    """``columns`` of the sources the filters keep, joined with their outlet, and their
    number of claims as a last column ``claims``; unordered."""
    counts = select(Claim.source_id, func.count().label("n")).group_by(Claim.source_id).subquery()
    query = (
        select(*columns, func.coalesce(counts.c.n, 0).label("claims"))
        .join(Outlet, Source.outlet_id == Outlet.id)
        .outerjoin(counts, counts.c.source_id == Source.id)
    )
    if outlet:
        query = query.where(Source.outlet_id == get_outlet(session, outlet).id)
    if language:
        query = query.where(Source.language == validate_language(language))
    if stance:
        query = query.where(Outlet.stance == get_stance(session, stance).name)
    return query


def list_sources(
    session: Session,
    *,
    outlet: str | None = None,
    language: str | None = None,
    stance: str | None = None,
    limit: int | None = None,
) -> list[SourceSummary]:
    if limit is not None and limit < 0:
        raise InvalidInput("--limit must be 0 (no limit) or more")
    query = sources_query(session, [Source], outlet=outlet, language=language, stance=stance)
    query = query.order_by(Source.published.desc().nulls_last(), Source.id)
    if limit:
        query = query.limit(limit)
    return [SourceSummary(s, int(n)) for s, n in session.execute(query)]


def count_sources(
    session: Session,
    *,
    outlet: str | None = None,
    language: str | None = None,
    stance: str | None = None,
) -> int:
    """How many sources the filters of :func:`list_sources` keep."""
    query = sources_query(session, [Source.id], outlet=outlet, language=language, stance=stance)
    return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def source_record(source: Source, claims: int | None = None) -> dict[str, Any]:
    """``source`` as :data:`SOURCE_COLUMNS` name its fields; dates at their precision."""
    row = [_column(source, column) for column in _RECORD.columns]
    return _RECORD.record([*row, claims], {source.id: [o.name for o in source.cites]})


def _column(source: Source, column: str) -> Any:
    return loaded_value(_OWNER, source, column)


def source_records(
    session: Session,
    *,
    outlet: str | None = None,
    language: str | None = None,
    stance: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """The sources :func:`list_sources` finds, as records with their claim counts."""
    found = list_sources(session, outlet=outlet, language=language, stance=stance, limit=limit)
    return [source_record(summary.source, summary.claims) for summary in found]


def source_record_of(session: Session, ref: str | int) -> dict[str, Any]:
    """One source (id, key or URL) as a record, with its number of claims."""
    source = get_source(session, ref)
    claims = session.scalar(select(func.count()).where(Claim.source_id == source.id)) or 0
    return source_record(source, int(claims))
