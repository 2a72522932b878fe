"""The database's settings (`factbase config`): the organisation that publishes verdicts
and the rating scale verdicts are given on.

Settings live in the database (the `setting` table), not a per-user file: a team sharing
a PostgreSQL database publishes under one name, and an export carries the same author
whoever runs it. Names are :data:`~factbase.vocabulary.SETTING_NAMES`; each value is
checked when set.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from factbase.catalog import audit

# The library's names for these since before they moved, re-exported.
from factbase.catalog.rating_scale import DEFAULT_SCALE as DEFAULT_SCALE
from factbase.catalog.rating_scale import Rating as Rating
from factbase.catalog.rating_scale import RatingScale as RatingScale
from factbase.catalog.rating_scale import parse_scale
from factbase.errors import InvalidValue
from factbase.store.models import Setting
from factbase.text.language import normalise_text
from factbase.text.urls import normalise_url
from factbase.vocabulary import REVIEW_URL_KEY, SETTING_NAMES


@dataclass(frozen=True)
class Organisation:
    """Who publishes the verdicts: ClaimReview's author and each review's url."""

    name: str | None
    url: str | None
    logo: str | None
    review_url: str | None  # with {key}: the claim's key

    def review_url_for(self, key: str) -> str | None:
        if not self.review_url:
            return None
        return self.review_url.replace(REVIEW_URL_KEY, key)


def checked_setting(name: str, value: str) -> str:
    """``value`` as stored for setting ``name``; InvalidValue when it cannot be."""
    name = name.strip().lower()
    if name not in SETTING_NAMES:
        raise InvalidValue(f"no setting {name!r}; the settings are: {', '.join(SETTING_NAMES)}")
    value = normalise_text(value)
    if not value:
        raise InvalidValue(f"{name}: give a value (`factbase config unset {name}` removes it)")
    if name in ("org.url", "org.logo"):
        return normalise_url(value)
    if name == "org.review_url":
        if REVIEW_URL_KEY not in value:
            raise InvalidValue(f"org.review_url must hold {REVIEW_URL_KEY}, where each key goes")
        return normalise_url(value.replace(REVIEW_URL_KEY, "KEY")).replace("KEY", REVIEW_URL_KEY)
    if name == "rating.scale":
        return parse_scale(value).text()
    return value


def set_setting(session: Session, name: str, value: str | None) -> str | None:
    """Set (or, with None, remove) a setting; audited. Returns the value stored."""
    name = name.strip().lower()
    stored = checked_setting(name, value) if value is not None else None
    if name not in SETTING_NAMES:
        raise InvalidValue(f"no setting {name!r}; the settings are: {', '.join(SETTING_NAMES)}")
    row = session.get(Setting, name)
    before = row.value if row else None
    if stored is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(Setting(name=name, value=stored))
    else:
        row.value = stored
    session.flush()
    change = {"changes": {name: [before, stored]}}
    audit.record(session, "setting", f"setting {name}", detail=change)
    return stored


def settings(session: Session) -> dict[str, str]:
    """Every setting that has a value, by name."""
    return {row.name: row.value for row in session.scalars(select(Setting).order_by(Setting.name))}


def rating_scale(session: Session) -> RatingScale:
    text = session.get(Setting, "rating.scale")
    return parse_scale(text.value) if text else DEFAULT_SCALE


def organisation(session: Session) -> Organisation:
    given = settings(session)
    return Organisation(
        name=given.get("org.name"),
        url=given.get("org.url"),
        logo=given.get("org.logo"),
        review_url=given.get("org.review_url"),
    )
