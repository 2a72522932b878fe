"""`factbase review candidates SOURCE`: the candidate claims of a source's text, one at a time.

Each candidate is shown as the claim record it would be; a key decides: accept records it
(its own write transaction, checked like `factbase add`), edit changes one field first,
skip leaves it for the next run, quit stops. A candidate whose sentence a claim of the
source quotes already is done: the next run resumes at the first one left, so nothing
is kept outside the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from factbase.cli import render
from factbase.cli.keys import KeyReader
from factbase.cli.review_view import show_help

if TYPE_CHECKING:
    from factbase.analysis.extraction import Extraction
    from factbase.store.database import Database

KEYS = {"a": "accept", "e": "edit", "s": "skip", "q": "quit", "?": "help"}
HELP = [
    ("a", "accept: record the candidate as a claim of the source, as shown"),
    ("e", "edit a field first (statement, speaker, subject, property, value, …)"),
    ("s", "skip: not recorded, shown again next run"),
    ("q", "quit (Ctrl-D and Ctrl-C too); every accepted claim is saved already"),
    ("?", "these keys"),
]
PROMPT_KEYS = "a e s q ?"
# The fields a person may edit, in the order they are shown.
FIELDS = (
    "statement", "quote", "speaker", "subject", "property", "value", "event_date", "as_of",
    "topics", "polarity", "key", "note",
)  # fmt: skip


@dataclass
class CandidateReview:
    db: Database
    extraction: Extraction
    keys: KeyReader
    records: list[dict[str, Any]] = field(default_factory=list)
    queue: list[int] = field(default_factory=list)
    done_before: int = 0
    accepted: int = 0
    skipped: int = 0

    def run(self) -> None:
        # Late import, for start-up time: see the module docstring of factbase.cli.
        from factbase.analysis.extraction import candidate_record, recorded

        self.records = [candidate_record(self.extraction, c) for c in self.extraction.candidates]
        with self.db.session() as session:
            done = recorded(session, self.extraction)
        self.queue = [n for n, was in enumerate(done) if not was]
        self.done_before = sum(done)
        self.announce()
        while self.queue:
            number = self.queue[0]
            self.show(number)
            if not self.ask(number):
                break
            self.queue.pop(0)
        self.finish()

    @property
    def total(self) -> int:
        return len(self.records)

    def announce(self) -> None:
        console = render.console()
        source = self.extraction.source
        if not self.total:
            console.print(f"nothing to review: no candidates in source {source}", markup=False)
        elif not self.queue:
            console.print(
                f"nothing to review: all {self.total} candidates of source {source} are recorded",
                markup=False,
            )
        elif self.done_before:
            console.print(
                f"{self.done_before} of {self.total} candidates recorded already; "
                f"resuming at #{self.queue[0] + 1}",
                markup=False,
            )
        else:
            console.print(
                f"{self.total} candidates in source {source}; "
                "starting at #1 (press ? for the keys)",
                markup=False,
            )

    def show(self, number: int) -> None:
        record = self.records[number]
        candidate = self.extraction.candidates[number]
        shown: list[tuple[str, str | None]] = [("signals", ", ".join(candidate.signals))]
        for name in FIELDS:
            value = record.get(name)
            text = ", ".join(value) if isinstance(value, list) else value
            shown.append((name, None if text in (None, "") else str(text)))
        render.console().rule()
        where = f"characters {candidate.start}-{candidate.end}"
        render.print_fields(
            f"candidate #{number + 1} of {self.total} ({where})",
            [(label, render.escape(value) if value else None) for label, value in shown],
        )

    def ask(self, number: int) -> bool:
        """Read keys until this candidate is accepted or skipped; False to stop."""
        console = render.console()
        while True:
            key = self.keys.key(f"#{number + 1} of {self.total} [{PROMPT_KEYS}]")
            command = "quit" if key is None else KEYS.get(key)
            if command == "quit":
                return False
            if command is None:
                console.print(f"unknown key {key!r}: press ? for the keys", markup=False)
            elif command == "help":
                show_help(HELP)
            elif command == "skip":
                self.skipped += 1
                console.print("skipped: not recorded, shown again next run", style="dim")
                return True
            elif command == "edit":
                if self.edit(number):
                    self.show(number)
            elif self.accept(number):
                return True

    def edit(self, number: int) -> bool:
        console = render.console()
        name = self.keys.line(f"field ({', '.join(FIELDS)}): ").strip().lower()
        if name not in FIELDS:
            console.print(f"no field {name!r}; nothing changed", markup=False)
            return False
        value = self.keys.line(f"{name} (Enter alone clears it): ")
        record = self.records[number]
        if name == "topics":
            record[name] = [t.strip() for t in value.split(",") if t.strip()] or None
        else:
            record[name] = value or None
        if record.get(name) is None:
            record.pop(name, None)
        return True

    def accept(self, number: int) -> bool:
        # Late import, for start-up time: see the module docstring of factbase.cli.
        from factbase.analysis.extraction import candidate_input
        from factbase.analysis.intake import add_claim
        from factbase.errors import FactbaseError

        console = render.console()
        try:
            data = candidate_input(self.records[number])
            with self.db.session(write=True) as session:
                result = add_claim(session, data, create_topics=False)
                claim_id = result.claim.id
        except FactbaseError as exc:
            console.print(f"not saved: {exc.message}", markup=False)
            return False
        except TypeError as exc:  # a record without its statement
            console.print(f"not saved: {exc}", markup=False)
            return False
        for warning in result.warnings:
            render.warn(warning)
        self.accepted += 1
        console.print(f"saved: claim {claim_id}", markup=False)
        return True

    def finish(self) -> None:
        left = len(self.queue) + self.skipped
        parts = [f"{self.accepted} accepted"]
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        console = render.console()
        console.print(
            f"review ended: {', '.join(parts)}; {render.plural(left, 'candidate')} left",
            markup=False,
        )
        if left:
            console.print(
                f"run `factbase review candidates {self.extraction.source}` again to resume",
                markup=False,
            )
