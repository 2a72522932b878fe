"""The sources of an import, written in batches with Core rather than one ORM object each.

A generated million-claim file names about 125,000 sources; through the ORM each took
a few milliseconds (several queries to find it, check its key and URL, load its
outlet). Here the sources already stored are indexed once per run (by key, by URL
and, for those with neither, by outlet and title), every record goes through the same
:func:`factbase.catalog.sources.source_values` as `factbase source add`, and new and changed
sources are written a few thousand at a time. Records are still decided in file order
with the rules of the one-at-a-time path: a record that names a source still waiting
in the batch writes the batch first, so it sees that source as the ORM path would.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from factbase.catalog.outlets import ensure_outlet, get_outlet
from factbase.catalog.source_fields import made_up_source_id
from factbase.catalog.sources import SourceInput, source_values
from factbase.errors import AlreadyExists, as_id, in_field
from factbase.store.models import Outlet, Source, SourceCite, utcnow
from factbase.text.date_formats import parse_timestamp
from factbase.text.dates import PartialDate, parse_date
from factbase.text.language import fold, normalise_text

BATCH_SIZE = 2000

_SOURCE = cast(Table, Source.__table__)
_SOURCE_CITE = cast(Table, SourceCite.__table__)
# What source_values() gives, in its order; each is a column of the source table.
FIELDS = (
    "key",
    "url",
    "outlet_id",
    "title",
    "language",
    "published",
    "published_end",
    "published_precision",
    "retrieved",
    "retrieved_end",
    "retrieved_precision",
    "author",
    "note",
)
_COLUMNS = [_SOURCE.c[name] for name in FIELDS]


@dataclass
class _Pending:
    """One checked source record waiting to be written; ``id`` None means a new source."""

    id: int | None
    values: dict[str, Any]
    cites: frozenset[int]  # outlet ids
    created_at: datetime | None = None  # as the record gives it; None: now, or as stored


class SourceWriter:
    """Applies source records in order; ``outcomes`` counts added, updated and unchanged.

    Call :meth:`flush` after the last record.
    """

    def __init__(self, session: Session, batch_size: int | None = None) -> None:
        self.session = session
        self.batch_size = batch_size or BATCH_SIZE
        self.outcomes: dict[str, int] = {"added": 0, "updated": 0, "unchanged": 0}
        self._outlets: dict[str, int] = dict(
            session.execute(select(Outlet.name_key, Outlet.id)).all()
        )
        self._dates: dict[str, PartialDate] = {}
        # The stored sources, kept in step with every flush.
        self._ids: set[int] = set()
        self._by_key: dict[str, int] = {}
        self._by_url: dict[str, int] = {}
        self._by_title: dict[tuple[int, str], set[int]] = {}  # sources without key and URL
        self._unnamed: set[int] = set()  # sources without key and URL
        for source_id, key, url, outlet_id, title in session.execute(
            select(_SOURCE.c.id, _SOURCE.c.key, _SOURCE.c.url, _SOURCE.c.outlet_id, _SOURCE.c.title)
        ):
            self._index(source_id, key, url, outlet_id, title)
        self._pending: list[_Pending] = []
        self._pending_ids: set[int] = set()
        self._pending_refs: set[str] = set()  # keys and URLs of the records waiting
        self._pending_titles: set[tuple[int, str]] = set()

    # -- the record ---------------------------------------------------------------------

    def add(self, data: SourceInput) -> None:
        """Check ``data`` as `factbase source add` would and queue it; raises FactbaseError."""
        values = source_values(data, self._outlet_id, self._date)
        with in_field("created_at"):
            created_at = parse_timestamp(data.created_at) if data.created_at else None
        refs = [ref.strip() for ref in (data.key, data.url) if ref and ref.strip()]
        named = self._outlets.get(fold(data.outlet))
        title = (named, values["title"]) if named is not None else None
        if self._touches_pending(refs, title):
            self.flush()
        existing = self._existing(data, title)
        if existing in self._unnamed and data.key and made_up_source_id(data.key) == existing:
            values["key"] = None  # the key a document made up for it: it stays keyless
        for column in ("key", "url"):
            value = values[column]
            if value is None:
                continue
            other = (self._by_key if column == "key" else self._by_url).get(value)
            if other is not None and other != existing:
                raise AlreadyExists(f"source {other} already has {column} {value!r}")
        cites = frozenset(self._cited(data.cites))
        self._pending.append(_Pending(existing, values, cites, created_at))
        if existing is not None:
            self._pending_ids.add(existing)
        self._pending_refs.update(v for v in (values["key"], values["url"]) if v is not None)
        self._pending_titles.add((values["outlet_id"], values["title"]))
        if len(self._pending) >= self.batch_size:
            self.flush()

    def _outlet_id(self, ref: str) -> int:
        known = self._outlets.get(fold(ref))
        if known is not None:
            return known
        outlet = get_outlet(self.session, ref)  # by id, or the error naming the outlet
        return outlet.id

    def _date(self, text: str) -> PartialDate:
        # Sources repeat the same dates ("ноябрь 2023"); dateparser takes milliseconds.
        known = self._dates.get(text)
        if known is None:
            known = self._dates[text] = parse_date(text)
        return known

    def _cited(self, names: Sequence[str]) -> Iterable[int]:
        for name in names:
            normalised = normalise_text(name)
            if not normalised:
                continue
            known = self._outlets.get(fold(normalised))
            if known is None:
                known = self._outlets[fold(normalised)] = ensure_outlet(self.session, normalised).id
            yield known

    def _find(self, ref: str) -> int | None:
        """The stored source a key, URL or id names, as find_source does."""
        source_id = as_id(ref)
        if source_id is not None:
            return source_id if source_id in self._ids else None
        found = [i for i in (self._by_key.get(ref), self._by_url.get(ref)) if i is not None]
        return min(found, default=None)

    def _existing(self, data: SourceInput, title: tuple[int, str] | None) -> int | None:
        """The stored source a record updates: by key, else URL, else outlet and title."""
        for ref in (data.key, data.url):
            if ref:
                found = self._find(ref.strip())
                if found is not None:
                    return found
                made_up = made_up_source_id(ref) if ref == data.key and not data.url else None
                if made_up in self._unnamed:
                    return made_up  # as find_source reads a made-up key
                if data.key:  # a keyed record never silently takes over another by URL
                    return None
        return min(self._by_title.get(title, ()), default=None) if title else None

    def _touches_pending(self, refs: list[str], title: tuple[int, str] | None) -> bool:
        """Whether deciding the record needs a source still waiting in the batch."""
        if not self._pending:
            return False
        if any(ref in self._pending_refs for ref in refs) or title in self._pending_titles:
            return True
        named = {self._find(ref) for ref in refs}
        named.update(self._by_key.get(ref) for ref in refs)
        named.update(self._by_url.get(ref) for ref in refs)
        if title is not None:
            named.update(self._by_title.get(title, ()))
        return not self._pending_ids.isdisjoint(named)

    # -- writing ------------------------------------------------------------------------

    def flush(self) -> None:
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        self._pending_ids, self._pending_refs, self._pending_titles = set(), set(), set()
        stored = self._stored([p.id for p in pending if p.id is not None])
        new = [p for p in pending if p.id is None]
        changed: list[_Pending] = []
        recited: list[_Pending] = []
        for item in pending:
            if item.id is None:
                continue
            values, cites, created_at = stored[item.id]
            now = tuple(item.values[name] for name in FIELDS)
            if item.created_at is None or item.created_at == _to_second(created_at):
                item.created_at = created_at  # documents keep it to the second
            if values != now or cites != item.cites or item.created_at != created_at:
                changed.append(item)
                if cites != item.cites:
                    recited.append(item)
                self._unindex(item.id, values)
                self._index(
                    item.id, *(item.values[n] for n in ("key", "url", "outlet_id", "title"))
                )
            else:
                self.outcomes["unchanged"] += 1
        self._insert(new)
        self._update(changed, recited)

    def _insert(self, new: list[_Pending]) -> None:
        if not new:
            return
        created = utcnow()
        rows = [{**item.values, "created_at": item.created_at or created} for item in new]
        statement = insert(_SOURCE).returning(_SOURCE.c.id, sort_by_parameter_order=True)
        ids = list(self.session.execute(statement, rows).scalars())
        for source_id, item in zip(ids, new, strict=True):
            item.id = source_id
            self._index(source_id, *_named_by(item.values))
        self._cite(new)
        self.outcomes["added"] += len(ids)

    def _update(self, changed: list[_Pending], recited: list[_Pending]) -> None:
        if not changed:
            return
        statement = update(_SOURCE).where(_SOURCE.c.id == bindparam("source_id"))
        self.session.execute(
            statement,
            [
                {**item.values, "source_id": item.id, "created_at": item.created_at}
                for item in changed
            ],
        )
        ids = [item.id for item in recited]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            self.session.execute(delete(_SOURCE_CITE).where(_SOURCE_CITE.c.source_id.in_(chunk)))
        self._cite(recited)
        self.outcomes["updated"] += len(changed)

    def _cite(self, items: list[_Pending]) -> None:
        rows = [
            {"source_id": item.id, "outlet_id": outlet_id}
            for item in items
            for outlet_id in sorted(item.cites)
        ]
        if rows:
            self.session.execute(insert(_SOURCE_CITE), rows)

    def _stored(
        self, ids: list[int]
    ) -> dict[int, tuple[tuple[Any, ...], frozenset[int], datetime | None]]:
        """Values (in FIELDS order), cited outlets and creation time of the stored
        sources ``ids``."""
        found: dict[int, tuple[tuple[Any, ...], frozenset[int], datetime | None]] = {}
        unique = sorted(set(ids))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            cites: dict[int, set[int]] = {}
            query = select(_SOURCE_CITE.c.source_id, _SOURCE_CITE.c.outlet_id)
            for source_id, outlet_id in self.session.execute(
                query.where(_SOURCE_CITE.c.source_id.in_(chunk))
            ):
                cites.setdefault(source_id, set()).add(outlet_id)
            rows = select(_SOURCE.c.id, _SOURCE.c.created_at, *_COLUMNS).where(
                _SOURCE.c.id.in_(chunk)
            )
            for source_id, created_at, *values in self.session.execute(rows):
                found[source_id] = (tuple(values), frozenset(cites.get(source_id, ())), created_at)
        return found

    # -- the index of stored sources ----------------------------------------------------

    def _index(
        self, source_id: int, key: str | None, url: str | None, outlet: int, title: str
    ) -> None:
        self._ids.add(source_id)
        if key is not None:
            self._by_key[key] = source_id
        if url is not None:
            self._by_url[url] = source_id
        if key is None and url is None:
            self._by_title.setdefault((outlet, title), set()).add(source_id)
            self._unnamed.add(source_id)

    def _unindex(self, source_id: int, values: tuple[Any, ...]) -> None:
        key, url, outlet, title = values[0], values[1], values[2], values[3]
        if key is not None and self._by_key.get(key) == source_id:
            del self._by_key[key]
        if url is not None and self._by_url.get(url) == source_id:
            del self._by_url[url]
        self._by_title.get((outlet, title), set()).discard(source_id)
        self._unnamed.discard(source_id)


def _to_second(value: datetime | None) -> datetime | None:
    return value.replace(microsecond=0) if value is not None else None


def _named_by(values: dict[str, Any]) -> tuple[Any, Any, Any, Any]:
    """What a source is found by: its key, URL, outlet and title."""
    return values["key"], values["url"], values["outlet_id"], values["title"]
