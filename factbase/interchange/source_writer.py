"""The sources of an import, written in batches with Core rather than one ORM object each.

A generated million-claim file names about 125,000 sources; through the ORM each took
a few milliseconds (several queries to find it, check its key and URL, load its
outlet). Here the sources already stored are indexed once per run (by key, by URL
and, for those with neither, by outlet and title), every record goes through the same
:func:`factbase.catalog.sources.source_values` as `factbase source add`, and new and changed
sources are written a few thousand at a time. Records are still decided in file order
with the rules of the one-at-a-time path: a record that names a source still waiting
in the batch writes the batch first, so it sees that source as the ORM path would.

A record naming a stored source (by key, URL, or outlet and title) updates only the
fields it gives; the others are kept as stored, even the language detected from a title
it changes. With ``replace`` a record is the whole source, and what that clears is
announced before the batch is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from factbase.catalog import audit
from factbase.catalog.outlets import ensure_outlet, get_outlet
from factbase.catalog.source_fields import made_up_source_id
from factbase.catalog.sources import SourceInput, source_values
from factbase.errors import AlreadyExists, InvalidInput, as_id, in_field
from factbase.store.models import Outlet, Source, SourceCite, utcnow
from factbase.text.date_formats import parse_timestamp, stored_iso
from factbase.text.dates import PartialDate, is_relative, parse_date
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
# A source's fields in documents, in document order, and the columns each is kept in.
COLUMNS_OF: dict[str, tuple[str, ...]] = {
    "key": ("key",),
    "outlet": ("outlet_id",),
    "title": ("title",),
    "url": ("url",),
    "language": ("language",),
    "published": ("published", "published_end", "published_precision"),
    "author": ("author",),
    "retrieved": ("retrieved", "retrieved_end", "retrieved_precision"),
    "cites": (),
    "note": ("note",),
}
REQUIRED = ("outlet", "title")
# Stand-ins for the outlet and title a partial record leaves out; replaced by the stored
# ones before anything is compared or written.
_NO_OUTLET, _NO_TITLE = -1, "-"


@dataclass
class _Pending:
    """One checked source record waiting to be written; ``id`` None means a new source."""

    id: int | None
    values: dict[str, Any]
    cites: frozenset[int]  # outlet ids
    created_at: datetime | None = None  # as the record gives it; None: now, or as stored
    location: str = ""
    given: frozenset[str] | None = None  # the fields the record gives; None: all


class SourceWriter:
    """Applies source records in order; ``outcomes`` counts added, updated and unchanged.

    Call :meth:`flush` after the last record.
    """

    def __init__(
        self,
        session: Session,
        batch_size: int | None = None,
        *,
        replace: bool = False,
        notice: Callable[[str], None] | None = None,
    ) -> None:
        self.session = session
        self.batch_size = batch_size or BATCH_SIZE
        self.replace = replace
        self.notice = notice
        self.outcomes: dict[str, int] = {"added": 0, "updated": 0, "unchanged": 0}
        self.updated: list[tuple[str, list[str]]] = []  # ("source k", changed fields)
        self.replaced: list[str] = []  # what each --replace record clears
        self._outlet_names: dict[int, str] | None = None
        self._outlets: dict[str, int] = dict(
            session.execute(select(Outlet.name_key, Outlet.id)).all()
        )
        self._dates: dict[str, PartialDate] = {}
        self._relative: dict[str, bool] = {}
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

    def add(self, given: dict[str, Any], location: str = "") -> None:
        """Check a record as `factbase source add` would and queue it; raises FactbaseError.

        ``given`` holds the fields the record gives (None: cleared).
        """
        refs = [ref.strip() for ref in (given.get("key"), given.get("url")) if ref and ref.strip()]
        named = self._outlets.get(fold(given["outlet"])) if given.get("outlet") else None
        title = None
        if named is not None and given.get("title"):
            title = (named, normalise_text(given["title"]))
        if self._touches_pending(refs, title):
            self.flush()
        data = SourceInput(
            **{
                "outlet": "",
                "title": _NO_TITLE,
                **given,
                "cites": given.get("cites") or (),
            }
        )
        existing = self._existing(data, title)
        partial = existing is not None and not self.replace
        for name in REQUIRED:
            if not given.get(name) and (name in given or not partial):
                cleared = "; it cannot be cleared" if partial else ""
                raise InvalidInput(f"{name}: required{cleared}")
        values = source_values(data, self._outlet_or_none, self._date, self._is_relative)
        with in_field("created_at"):
            created_at = parse_timestamp(data.created_at) if data.created_at else None
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
        kept = frozenset(given) if partial else None
        self._pending.append(
            _Pending(existing, values, cites, created_at=created_at, location=location, given=kept)
        )
        if existing is not None:
            self._pending_ids.add(existing)
        self._pending_refs.update(v for v in (values["key"], values["url"]) if v is not None)
        if given.get("outlet") and given.get("title"):  # not the stand-ins
            self._pending_titles.add((values["outlet_id"], values["title"]))
        if len(self._pending) >= self.batch_size:
            self.flush()

    def _outlet_or_none(self, ref: str) -> int:
        return _NO_OUTLET if ref == "" else self._outlet_id(ref)

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

    def _is_relative(self, text: str) -> bool:
        known = self._relative.get(text)
        if known is None:
            known = self._relative[text] = is_relative(text)
        return known

    def read_ahead(self, dates: dict[str, tuple[PartialDate, bool]]) -> None:
        """Take dates read already (factbase.interchange.date_pool): each text's date and
        whether it is relative."""
        for text, (read, relative) in dates.items():
            self._dates[text] = read
            self._relative[text] = relative

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
        entries: list[dict[str, Any]] = []
        for item in pending:
            if item.id is None:
                continue
            values, cites, created_at = stored[item.id]
            if item.given is not None:
                _keep_stored(item, dict(zip(FIELDS, values, strict=True)), cites)
            elif self.replace:
                self._announce_clears(item, values, cites)
            now = tuple(item.values[name] for name in FIELDS)
            if item.created_at is None or item.created_at == _to_second(created_at):
                item.created_at = created_at  # documents keep it to the second
            if values != now or cites != item.cites or item.created_at != created_at:
                entries.append(self._changed(item, values, cites))
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
        entries.extend(
            {"action": "import-add", "target": f"source {item.id}", "source_id": item.id}
            | ({"note": item.location} if item.location else {})
            for item in new
        )
        audit.record_many(self.session, entries)

    def _changed(
        self, item: _Pending, values: tuple[Any, ...], cites: frozenset[int]
    ) -> dict[str, Any]:
        """The audit entry of an update; notes its changed fields for the summary."""
        assert item.id is not None
        before = self._view(dict(zip(FIELDS, values, strict=True)), cites)
        after = self._view(item.values, item.cites)
        old = dict(zip(FIELDS, values, strict=True))
        fields = [
            name
            for name, columns in COLUMNS_OF.items()
            if (
                cites != item.cites
                if name == "cites"
                else any(old[column] != item.values[column] for column in columns)
            )
        ]
        self.updated.append(
            (f"source {item.values['key'] or item.values['url'] or item.id}", fields)
        )
        entry: dict[str, Any] = {
            "action": "import-update",
            "target": f"source {item.id}",
            "source_id": item.id,
            "detail": {"changes": audit.changes(before, after)},
        }
        if item.location:
            entry["note"] = item.location
        return entry

    def _announce_clears(
        self, item: _Pending, values: tuple[Any, ...], cites: frozenset[int]
    ) -> None:
        view = self._view(dict(zip(FIELDS, values, strict=True)), cites)
        cleared = [
            name
            for name, value in view.items()
            if value not in (None, [])
            and item.values.get(name) is None
            and name not in ("key", "outlet", "title", "language")
            and not (name == "cites" and item.cites)
        ]
        if not cleared:
            return
        count = f"{len(cleared)} field" + ("s" if len(cleared) != 1 else "")
        message = f"{item.location}: --replace clears {count}: {', '.join(cleared)}"
        self.replaced.append(message)
        if self.notice is not None:
            self.notice(message)

    def _view(self, values: dict[str, Any], cites: frozenset[int]) -> dict[str, Any]:
        """A source's fields as a person reads them, for audit diffs."""
        if self._outlet_names is None or not {values["outlet_id"], *cites} <= set(
            self._outlet_names
        ):
            self._outlet_names = dict(self.session.execute(select(Outlet.id, Outlet.name)).all())
        names = self._outlet_names
        return {
            "key": values["key"],
            "outlet": names.get(values["outlet_id"]),
            "title": values["title"],
            "url": values["url"],
            "language": values["language"],
            "published": stored_iso(values["published"], values["published_precision"]),
            "author": values["author"],
            "retrieved": stored_iso(values["retrieved"], values["retrieved_precision"]),
            "cites": sorted(names.get(outlet_id, str(outlet_id)) for outlet_id in cites),
            "note": values["note"],
        }

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


def _keep_stored(item: _Pending, stored: dict[str, Any], cites: frozenset[int]) -> None:
    """The stored values of the fields a partial record leaves out."""
    assert item.given is not None
    for name, columns in COLUMNS_OF.items():
        if name in item.given:
            continue
        if name == "cites":
            item.cites = cites
        for column in columns:
            item.values[column] = stored[column]


def _named_by(values: dict[str, Any]) -> tuple[Any, Any, Any, Any]:
    """What a source is found by: its key, URL, outlet and title."""
    return values["key"], values["url"], values["outlet_id"], values["title"]
