"""The schema: SQLAlchemy 2.0 typed models.

Every constraint is named by :data:`NAMING_CONVENTION` so Alembic revisions can
refer to them on every backend (SQLite batch mode needs names to drop or alter
constraints). Dates that people write with a precision ("2022", "ноябрь 2023")
are stored as three columns: the first day, the last day and the precision, so
filters compare periods with plain indexed SQL.

Enumerations are short strings guarded by CHECK constraints rather than native
enum types: adding a value is then an ordinary migration on PostgreSQL too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from factbase.vocabulary import (
    CONFLICT_CAUSES,
    CONFLICT_KINDS,
    CONFLICT_STATUSES,
    LINK_KINDS,
    OCCASIONS,
    POLARITIES,
    PRECISIONS,
    QUALIFIERS,
    QUOTE_MATCHES,
    STATUSES,
)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# The stances every new database starts with; users add their own with `stance add`.
DEFAULT_STANCES: tuple[tuple[str, str, str], ...] = (
    ("pro-western", "Aligned with the US, the EU or NATO positions", "blue"),
    ("pro-kremlin", "Aligned with the Russian government's positions", "red"),
    ("pro-ukrainian", "Aligned with Ukraine's positions", "yellow"),
    ("neutral", "No consistent alignment in its coverage", "green"),
    ("state-affiliated", "Owned or directed by a state", "magenta"),
    ("unrated", "Not assessed yet", "bright_black"),
)


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC and always read back timezone-aware.

    SQLite has no timezone type; storing naive UTC everywhere keeps both
    backends identical and the results independent of the machine's TZ.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Stance(Base):
    __tablename__ = "stance"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    description: Mapped[str | None] = mapped_column(Text)
    colour: Mapped[str | None] = mapped_column(String(30))


class Outlet(Base):
    __tablename__ = "outlet"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Case-folded name (ё = е): "SilkBridge.info" and "silkbridge.INFO" are one outlet.
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    stance: Mapped[str] = mapped_column(ForeignKey("stance.name", onupdate="CASCADE"), index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    language: Mapped[str | None] = mapped_column(String(3))
    homepage: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SourceCite(Base):
    """An outlet or agency that a source relays (a Bulgarian article citing the WSJ)."""

    __tablename__ = "source_cite"

    source_id: Mapped[int] = mapped_column(
        ForeignKey("source.id", ondelete="CASCADE"), primary_key=True
    )
    outlet_id: Mapped[int] = mapped_column(
        ForeignKey("outlet.id", ondelete="RESTRICT"), primary_key=True, index=True
    )


class Source(Base):
    __tablename__ = "source"
    __table_args__ = (
        CheckConstraint(_in("published_precision", PRECISIONS), name="published_precision"),
        CheckConstraint(_in("retrieved_precision", PRECISIONS), name="retrieved_precision"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(2000), unique=True)
    language: Mapped[str | None] = mapped_column(String(3), index=True)
    published: Mapped[date | None] = mapped_column(Date, index=True)
    published_end: Mapped[date | None] = mapped_column(Date, index=True)
    published_precision: Mapped[str | None] = mapped_column(String(5))
    author: Mapped[str | None] = mapped_column(Text)
    retrieved: Mapped[date | None] = mapped_column(Date)
    retrieved_end: Mapped[date | None] = mapped_column(Date)
    retrieved_precision: Mapped[str | None] = mapped_column(String(5))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    outlet: Mapped[Outlet] = relationship(lazy="joined", innerjoin=True)
    cites: Mapped[list[Outlet]] = relationship(
        secondary="source_cite", order_by="Outlet.name", lazy="selectin"
    )


class SourceText(Base):
    """A source's article text, stored as received (migration 0012).

    Quotes are located in it (factbase.text.quotes); ``sha256`` is the hash of its UTF-8
    bytes, ``extractor`` says how it was obtained ("plain", or "trafilatura 2.3.1" for a
    saved page), ``retrieved_at`` when it was attached.
    """

    __tablename__ = "source_text"

    source_id: Mapped[int] = mapped_column(
        ForeignKey("source.id", ondelete="CASCADE"), primary_key=True
    )
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    length: Mapped[int] = mapped_column(Integer)
    extractor: Mapped[str] = mapped_column(String(100))
    retrieved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Topic(Base):
    __tablename__ = "topic"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    label: Mapped[str] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("topic.id", ondelete="SET NULL"), index=True
    )
    # The IPTC Media Topic this topic is ("medtop:20000639") and IPTC's label for it; or,
    # when IPTC has no concept of its own for it, the nearest broader one (migration 0015).
    iptc_code: Mapped[str | None] = mapped_column(String(20))
    iptc_label: Mapped[str | None] = mapped_column(Text)
    iptc_broader: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Topic | None] = relationship(remote_side=[id])
    keywords: Mapped[list[TopicKeyword]] = relationship(
        cascade="all, delete-orphan", order_by="TopicKeyword.keyword", lazy="selectin"
    )


class TopicKeyword(Base):
    __tablename__ = "topic_keyword"

    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True
    )
    keyword: Mapped[str] = mapped_column(String(200), primary_key=True)


class Entity(Base):
    __tablename__ = "entity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str | None] = mapped_column(String(50), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    aliases: Mapped[list[EntityAlias]] = relationship(
        cascade="all, delete-orphan", order_by="EntityAlias.alias", lazy="selectin"
    )


class EntityAlias(Base):
    """One spelling of an entity; the canonical name is stored as an alias too."""

    __tablename__ = "entity_alias"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(300))
    # Case-folded spelling (ё = е): one spelling names one entity only.
    alias_key: Mapped[str] = mapped_column(String(300), unique=True)


class ClaimTopic(Base):
    __tablename__ = "claim_topic"
    __table_args__ = (Index("ix_claim_topic_topic_id_claim_id", "topic_id", "claim_id"),)

    claim_id: Mapped[int] = mapped_column(
        ForeignKey("claim.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True
    )
    # True when factbase suggested the topic from keywords rather than a person giving it.
    suggested: Mapped[bool] = mapped_column(Boolean, default=False)
    # The keyword that suggested it (migration 0015); None for a topic a person gave.
    keyword: Mapped[str | None] = mapped_column(String(200))

    topic: Mapped[Topic] = relationship(lazy="joined", innerjoin=True)


class Claim(Base):
    __tablename__ = "claim"
    __table_args__ = (
        # Conflict detection and xref look claims up by what they are about.
        Index("ix_claim_subject_id_property_key", "subject_id", "property_key"),
        Index("ix_claim_subject_key_property_key", "subject_key", "property_key"),
        CheckConstraint(_in("polarity", POLARITIES), name="polarity"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint(_in("value_qualifier", QUALIFIERS), name="value_qualifier"),
        CheckConstraint(_in("event_precision", PRECISIONS), name="event_precision"),
        CheckConstraint(_in("as_of_precision", PRECISIONS), name="as_of_precision"),
        CheckConstraint(_in("occasion", OCCASIONS), name="occasion"),
        CheckConstraint(_in("quote_match", QUOTE_MATCHES), name="quote_match"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="RESTRICT"), index=True)
    statement: Mapped[str] = mapped_column(Text)
    quote: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(3), index=True)
    speaker: Mapped[str | None] = mapped_column(Text)
    speaker_key: Mapped[str | None] = mapped_column(String(300), index=True)
    speaker_id: Mapped[int | None] = mapped_column(
        ForeignKey("entity.id", ondelete="SET NULL"), index=True
    )
    subject: Mapped[str | None] = mapped_column(String(300))
    subject_key: Mapped[str | None] = mapped_column(String(300), index=True)
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("entity.id", ondelete="SET NULL"), index=True
    )
    # "property" would shadow the builtin in the class body; the column keeps the name.
    property_name: Mapped[str | None] = mapped_column("property", String(300))
    property_key: Mapped[str | None] = mapped_column(String(300))
    value_text: Mapped[str | None] = mapped_column(String(200))
    value_num: Mapped[float | None] = mapped_column(Float)
    value_unit: Mapped[str | None] = mapped_column(String(20))
    value_low: Mapped[float | None] = mapped_column(Float)
    value_high: Mapped[float | None] = mapped_column(Float)
    value_qualifier: Mapped[str | None] = mapped_column(String(10))
    event_date: Mapped[date | None] = mapped_column(Date, index=True)
    event_date_end: Mapped[date | None] = mapped_column(Date)
    event_precision: Mapped[str | None] = mapped_column(String(5))
    as_of: Mapped[date | None] = mapped_column(Date)
    as_of_end: Mapped[date | None] = mapped_column(Date)
    as_of_precision: Mapped[str | None] = mapped_column(String(5))
    polarity: Mapped[str] = mapped_column(String(10), default="affirmed")
    # The claim gave no polarity: the one above was read from its wording.
    polarity_suggested: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # An event date after the article's publication, recorded as a prediction on purpose.
    forecast: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A person's word that the claim reports a one-off or a recurring occurrence (migration
    # 0011); None: its wording decides.
    occasion: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(15), default="unverified", index=True)
    note: Mapped[str | None] = mapped_column(Text)
    # Where the quote stands in the source's text (migration 0012): its span, in the
    # text's characters, and how it matched (QUOTE_MATCHES); all None without a quote.
    quote_start: Mapped[int | None] = mapped_column(Integer)
    quote_end: Mapped[int | None] = mapped_column(Integer)
    quote_match: Mapped[str | None] = mapped_column(String(10), index=True)
    # A retracted claim stays in the record (evidence is never lost) but leaves listings,
    # conflicts, xref, corroboration and exports. A merged duplicate is retracted too and
    # names the claim it was merged into, so its id and key still lead somewhere.
    retracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    retraction_note: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("claim.id", ondelete="SET NULL"), index=True
    )
    # Folded statement, quote, speaker and subject: what `list --search` looks in.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # The folded lemmas of the same fields, each once, space-separated (migration 0008):
    # `list --search нефть` finds "нефти" through them.
    search_lemmas: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    source: Mapped[Source] = relationship(lazy="joined", innerjoin=True)
    claim_topics: Mapped[list[ClaimTopic]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    subject_entity: Mapped[Entity | None] = relationship(foreign_keys=[subject_id])
    merged_into: Mapped[Claim | None] = relationship(
        remote_side=[id], foreign_keys=[merged_into_id]
    )
    speaker_entity: Mapped[Entity | None] = relationship(foreign_keys=[speaker_id])

    @property
    def topic_slugs(self) -> list[str]:
        return sorted(link.topic.slug for link in self.claim_topics)


class SearchForm(Base):
    """An inflected word some claim holds, with its lemma in that claim's language
    (migration 0012): `list --search нефти` finds the lemma "нефть" here, and through it
    every form, without loading a dictionary. Derived from the claims' text, like the
    search indexes; never emptied when claims go (a form's lemma stays true)."""

    __tablename__ = "search_form"

    form: Mapped[str] = mapped_column(Text, primary_key=True)
    lemma: Mapped[str] = mapped_column(Text, primary_key=True)


class ClaimLink(Base):
    """A person's judgement that two claims are related: same, supports, contradicts, refines.

    Stored with the lower id first so a pair has one link; for `refines`,
    ``refining_id`` says which of the two is the more precise claim.
    """

    __tablename__ = "claim_link"
    __table_args__ = (
        CheckConstraint("claim_a_id < claim_b_id", name="ordered_pair"),
        CheckConstraint(_in("kind", LINK_KINDS), name="kind"),
        UniqueConstraint("claim_a_id", "claim_b_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_a_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"))
    claim_b_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    refining_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class XrefRejection(Base):
    """A suggested pair a person said is not related: never suggested again."""

    __tablename__ = "xref_rejection"
    __table_args__ = (CheckConstraint("claim_a_id < claim_b_id", name="ordered_pair"),)

    claim_a_id: Mapped[int] = mapped_column(
        ForeignKey("claim.id", ondelete="CASCADE"), primary_key=True
    )
    claim_b_id: Mapped[int] = mapped_column(
        ForeignKey("claim.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# The search index of claim.search_text (migration 0004): on SQLite a virtual table and
# its shadow tables, on PostgreSQL a trigram index. No model maps them (they are not
# portable), so schema comparisons leave them aside.
# The lemma index of claim.search_lemmas (migration 0008) is named after it: on SQLite the
# FTS5 table claim_search_lemmas, on PostgreSQL a GIN index of its tsvector.
SEARCH_INDEX = "claim_search"
SEARCH_TRIGRAM_INDEX = "ix_claim_search_text_trgm"
SEARCH_LEMMA_INDEX = "ix_claim_search_lemmas"


def is_search_index(name: str | None) -> bool:
    """Whether a table or index name belongs to the search indexes."""
    if name in (SEARCH_TRIGRAM_INDEX, SEARCH_LEMMA_INDEX):
        return True
    return name == SEARCH_INDEX or bool(name and name.startswith(f"{SEARCH_INDEX}_"))


class Conflict(Base):
    """Two claims that cannot both be right, recorded once per pair and kind."""

    __tablename__ = "conflict"
    __table_args__ = (
        CheckConstraint("claim_a_id < claim_b_id", name="ordered_pair"),
        CheckConstraint(_in("kind", CONFLICT_KINDS), name="kind"),
        CheckConstraint(_in("status", CONFLICT_STATUSES), name="status"),
        CheckConstraint(_in("cause", CONFLICT_CAUSES), name="cause"),
        UniqueConstraint("claim_a_id", "claim_b_id", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_a_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"))
    claim_b_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)
    cause: Mapped[str] = mapped_column(String(15))
    explanation: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    kept_claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A decided conflict whose claims were corrected so that it no longer holds: the
    # decision stays on record, flagged, instead of being deleted with the finding.
    stale: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    claim_a: Mapped[Claim] = relationship(foreign_keys=[claim_a_id])
    claim_b: Mapped[Claim] = relationship(foreign_keys=[claim_b_id])


class Verdict(Base):
    """A reviewer's rating of a claim, with the reasoning (migration 0014).

    A claim's current verdict is the one not superseded; a changed verdict stays on record
    with ``superseded_at`` set, so its history is kept. The rating's value and the scale's
    best and worst are stored as they were when it was given: changing the scale later does
    not change what was published.
    """

    __tablename__ = "verdict"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), index=True)
    rating: Mapped[str] = mapped_column(String(40), index=True)
    rating_value: Mapped[float | None] = mapped_column(Float)
    best_rating: Mapped[float | None] = mapped_column(Float)
    worst_rating: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(100))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The conflict whose decision proposed this verdict (`conflicts resolve --keep --rate`).
    conflict_id: Mapped[int | None] = mapped_column(
        ForeignKey("conflict.id", ondelete="SET NULL"), index=True
    )
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    claim: Mapped[Claim] = relationship()
    evidence: Mapped[list[VerdictEvidence]] = relationship(
        cascade="all, delete-orphan", order_by="VerdictEvidence.position", lazy="selectin"
    )


class VerdictEvidence(Base):
    """What a verdict cites: a claim of the database or a URL, in the order given."""

    __tablename__ = "verdict_evidence"
    __table_args__ = (CheckConstraint("(claim_id IS NULL) <> (url IS NULL)", name="claim_or_url"),)

    verdict_id: Mapped[int] = mapped_column(
        ForeignKey("verdict.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int | None] = mapped_column(
        ForeignKey("claim.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str | None] = mapped_column(String(2000))


class Setting(Base):
    """One setting of the database (`factbase config set`): SETTING_NAMES."""

    __tablename__ = "setting"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class AuditEntry(Base):
    """Who changed or decided what, when and why: every correction, review decision and
    link. ``detail`` holds the change as JSON (field by field before and after, or the
    whole row of a deleted claim). ``claim_id`` and ``source_id`` say what the entry is
    about; they are not foreign keys, so a deleted claim's history outlives it."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(100), index=True)
    detail: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    claim_id: Mapped[int | None] = mapped_column(Integer, index=True)
    source_id: Mapped[int | None] = mapped_column(Integer, index=True)
