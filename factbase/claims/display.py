"""What `factbase show` shows of one claim, whichever way it was read.

Like :mod:`factbase.claims.filter` for `list`: the library (`factbase.claims.query.view_claim`)
and :mod:`factbase.claims.fastread` both give a :class:`ClaimView`, and the command renders it.
Nothing here imports SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
class ClaimView:
    record: dict[str, Any]  # the claim as claim_row gives it: CLAIM_COLUMNS
    topics: list[tuple[str, bool]]  # (slug, suggested), by slug
    relays: list[str]  # outlets the source relays, by name
    corroboration: str  # Corroboration.summary()
    links: list[LinkedView]
    conflicts: list[ConflictView]
    stance_colours: dict[str, str | None] = field(default_factory=dict)
