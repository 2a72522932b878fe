"""What `factbase list` and `show` display, whichever way it was read.

Two readers fill these records: the library (:mod:`factbase.analysis.claim_views`: any
backend, every filter) and :mod:`factbase.claims.fastread` (the SQLite file through the
standard library, for the common cases). The command renders one thing, and the tests
hold the two readers to the same answer. Nothing here imports SQLAlchemy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from factbase.claims.series import Period
from factbase.text.quotes import QuoteContext


@dataclass(frozen=True)
class ListedClaim:
    """One line of `factbase list`."""

    id: int
    statement: str
    value: str | None
    language: str | None
    outlet: str
    stance: str
    published: str | None  # ISO at the source's precision: 2022, 2022-11 or 2022-11-01
    # Only read for the wide table (with_support): sorted topic slugs and corroboration.
    topics: tuple[str, ...] = ()
    reports: int | None = None
    origins: int | None = None


@dataclass(frozen=True)
class ClaimPage:
    claims: list[ListedClaim]
    total: int  # claims matching the filter, beyond the limit too
    stance_colours: dict[str, str | None] = field(default_factory=dict)


@dataclass
class Corroboration:
    cluster: list[int]
    reports: int
    origins: int
    asserting_stances: list[str] = field(default_factory=list)
    asserting_languages: list[str] = field(default_factory=list)
    disputing_claims: list[int] = field(default_factory=list)
    disputing_stances: list[str] = field(default_factory=list)
    disputing_languages: list[str] = field(default_factory=list)

    @property
    def single_stance(self) -> bool:
        """Asserted only by outlets of one stance, though reported more than once."""
        return self.reports > 1 and len(self.asserting_stances) == 1

    def summary(self) -> str:
        line = f"{self.reports} report{'s' if self.reports != 1 else ''}, "
        line += f"{self.origins} independent origin{'s' if self.origins != 1 else ''}; "
        line += f"asserted by {', '.join(self.asserting_stances) or '-'}"
        line += f" ({', '.join(self.asserting_languages) or '-'})"
        if self.disputing_claims:
            line += f"; disputed by {', '.join(self.disputing_stances) or '-'}"
            line += f" ({', '.join(self.disputing_languages) or '-'})"
        if self.single_stance:
            line += "; one stance only"
        return line


@dataclass(frozen=True)
class LinkedView:
    """A claim linked to the one shown; ``kind`` read from the shown claim's side."""

    kind: str  # same, supports, contradicts, refines or "refined by"
    claim_id: int
    statement: str
    outlet: str
    stance: str
    language: str | None


@dataclass(frozen=True)
class ConflictView:
    id: int
    kind: str
    cause: str
    status: str
    explanation: str


@dataclass(frozen=True)
class VerdictView:
    """A claim's current verdict, as `show` gives it."""

    rating: str
    value: float | None
    best: float | None
    worst: float | None
    reviewer: str
    reviewed_at: str  # ISO, to the second
    note: str
    # What it cites: (claim id, its statement) or (None, a URL), in order.
    evidence: list[tuple[int | None, str]]
    earlier: int  # verdicts it superseded


@dataclass(frozen=True)
class ClaimDetail:
    record: dict[str, Any]  # the claim as claim_row gives it: CLAIM_COLUMNS
    # (slug, suggested, the keyword that suggested it), by slug
    topics: list[tuple[str, bool, str | None]]
    relays: list[str]  # outlets the source relays, by name
    corroboration: str  # Corroboration.summary()
    links: list[LinkedView]
    conflicts: list[ConflictView]
    stance_colours: dict[str, str | None] = field(default_factory=dict)
    # A retracted claim: when (UTC date) and why. Only the library reads these.
    retracted_on: str | None = None
    retraction_note: str | None = None
    # The claim asked for when it was merged into the one shown: "claim 7 (old-key)".
    merged_from: str | None = None
    # The claim's subject and property period by period, when they speak of several.
    series: list[Period] = field(default_factory=list)
    # The quote in its article, with the text around it, when the source's text holds it.
    quote_context: QuoteContext | None = None
    # The claim's current verdict. Only the library reads it: the fast reader declines a
    # claim that has one.
    verdict: VerdictView | None = None
    # The track records of the claim's outlet and speaker: (who, TrackRecord.summary()).
    # Only the library reads them: the fast reader declines once anything was judged.
    track_records: list[tuple[str, str]] = field(default_factory=list)
