"""`factbase review`: open conflicts and suggested matches, one at a time, at the keyboard.

Every decision is its own write transaction with its audit entry, so quitting, Ctrl-C or a
closed terminal loses nothing decided; decided items are no longer open, so the next run
starts at the first item left. Skipped items are set aside for this run only.
"""

from __future__ import annotations

import sys
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from factbase.cli import render, state
from factbase.cli.keys import KeyReader
from factbase.cli.options import (
    ConflictKindOption,
    EitherLangOption,
    EitherStanceOption,
    EitherTopicOption,
)
from factbase.cli.review_view import show_help, show_item, show_sources

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from factbase.analysis.review import ConflictItem, Decision, MatchItem, ReviewFilter
    from factbase.analysis.xref import Suggestion
    from factbase.store.database import Database


class Queue(StrEnum):
    CONFLICTS = "conflicts"
    MATCHES = "matches"
    CANDIDATES = "candidates"


CONFLICT_KEYS = {"c": "confirm", "d": "dismiss", "l": "keep-left", "r": "keep-right"}
MATCH_KEYS = {"c": "same", "d": "not-same"}
COMMON_KEYS = {"n": "note", "s": "skip", "u": "undo", "o": "sources", "q": "quit", "?": "help"}
HELP = {
    Queue.CONFLICTS: [
        ("c", "confirm: a real contradiction"),
        ("d", "dismiss: not a contradiction (never comes back on a rescan)"),
        ("l", "resolve keeping the left claim; the right one is marked disputed"),
        ("r", "resolve keeping the right claim; the left one is marked disputed"),
    ],
    Queue.MATCHES: [
        ("c", "the same: link the two claims as `same`"),
        ("d", "not the same: never suggest this pair again"),
    ],
}
COMMON_HELP = [
    ("n", "write a note; it goes with the next decision on this item"),
    ("s", "skip (unsure): not shown again in this run, still open next time"),
    ("u", "undo the last decision of this run"),
    ("o", "print the sources' URLs"),
    ("q", "quit (Ctrl-D and Ctrl-C too); every decision is saved already"),
    ("?", "these keys"),
]
# What Enter alone leaves as the note: a decided conflict says how it was decided.
NOTE_PROMPT = {
    Queue.CONFLICTS: 'note (Enter alone: "reviewed: " and the decision): ',
    Queue.MATCHES: 'note (Enter alone: "reviewed: same" or "reviewed: not the same"): ',
}
PROMPT_KEYS = {Queue.CONFLICTS: "c d l r n s u o q ?", Queue.MATCHES: "c d n s u o q ?"}


def register(app: typer.Typer) -> None:
    app.command("review")(review)


def review(
    what: Annotated[
        Queue,
        typer.Argument(help="What to review: conflicts (default), matches or candidates."),
    ] = Queue.CONFLICTS,
    source: Annotated[
        str | None,
        typer.Argument(metavar="SOURCE", help="Candidates: the source (id, key or URL)."),
    ] = None,
    text_file: Annotated[
        Path | None,
        typer.Option(
            "--text-file",
            metavar="FILE",
            help="Candidates: the source's article text (UTF-8; - for standard input).",
            dir_okay=False,
            allow_dash=True,
        ),
    ] = None,
    topic: EitherTopicOption = None,
    kind: ConflictKindOption = None,
    stance: EitherStanceOption = None,
    lang: EitherLangOption = None,
    min_score: Annotated[
        float, typer.Option("--min-score", help="Matches: only suggestions scoring this or more.")
    ] = 0.5,
) -> None:
    """Walk the open conflicts (or suggested matches) one at a time, most pressing first.

    Single keys decide: press ? for them. Each decision is saved at once; run it again to resume.
    `review candidates SOURCE --text-file F` walks the candidate claims of a source's text
    (see `factbase extract`): accept, edit a field, skip or quit.

    Without a terminal one line is read per decision: printf 'd\\nc\\nq\\n' | factbase review
    """
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.review import ReviewFilter
    from factbase.errors import InvalidUsage

    if what is Queue.CANDIDATES:
        if source is None:
            raise InvalidUsage("review candidates needs the SOURCE whose text to read")
        if topic or kind or stance or lang:
            raise InvalidUsage("--topic, --kind, --stance and --lang filter conflicts and matches")
        review_candidates(source, text_file)
        return
    if source is not None or text_file is not None:
        raise InvalidUsage(f"SOURCE and --text-file go with `review candidates`, not {what}")

    where = ReviewFilter(topic=topic, kind=kind, stance=stance, language=lang)
    # Decisions are written, but there is nothing to review in a database not made yet.
    with state.open_db(write=True, create=False) as db:
        Review(db, what, where, min_score, KeyReader.for_stdin()).run()


def review_candidates(source: str, text_file: Path | None) -> None:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis import extraction as extracting
    from factbase.catalog.sources import get_source
    from factbase.cli.review_candidates import CandidateReview
    from factbase.errors import InvalidInput

    text = None
    if text_file is not None:
        text = sys.stdin.read() if str(text_file) == "-" else text_file.read_text("utf-8")
    with state.open_db(write=True, create=False) as db:
        with db.session() as session:
            found = get_source(session, source)
            text = text if text is not None else extracting.source_text_for(session, found)
            if text is None:
                raise InvalidInput(f"no text for source {source!r}; give it with --text-file FILE")
            extraction = extracting.extract_for_source(session, source, text)
        CandidateReview(db, extraction, KeyReader.for_stdin()).run()


@dataclass
class Review:
    db: Database
    what: Queue
    where: ReviewFilter
    min_score: float
    keys: KeyReader
    queue: deque[int] = field(default_factory=deque)  # conflict ids, or indexes of matches
    matches: list[Suggestion] = field(default_factory=list)
    total: int = 0
    decided_before: int = 0
    decided: list[Decision] = field(default_factory=list)  # this run's, for undo
    undone: int = 0
    skipped: int = 0
    colours: dict[str, str | None] = field(default_factory=dict)

    def count(self, number: int, adjective: str = "") -> str:
        """`3 open conflicts`, `1 suggested match`."""
        if self.what is Queue.CONFLICTS:
            noun = "conflict" if number == 1 else "conflicts"
        else:
            noun = "suggested match" if number == 1 else "suggested matches"
        return " ".join(part for part in (str(number), adjective, noun) if part)

    @property
    def done(self) -> int:
        return self.decided_before + len(self.decided)

    @property
    def position(self) -> int:
        return self.done + self.skipped + 1

    def run(self) -> None:
        self.load()
        while self.queue:
            ref = self.queue.popleft()
            item = self.fetch(ref)
            if item is None:  # decided elsewhere meanwhile, or withdrawn by a rescan
                continue
            show_item(item, self.position, self.total, self.colours)
            if not self.ask(ref, item):
                break
        self.finish()

    def load(self) -> None:
        # Late import, for start-up time: see the module docstring of factbase.cli.
        from factbase.analysis.review import conflict_queue, match_queue
        from factbase.catalog.outlets import stance_colours

        with self.db.session() as session:
            self.colours = stance_colours(session)
            if self.what is Queue.CONFLICTS:
                found = conflict_queue(session, self.where)
                self.queue.extend(found.ids)
                self.total, self.decided_before = found.total, found.decided
            else:
                self.matches = match_queue(session, self.where, min_score=self.min_score)
                self.queue.extend(range(len(self.matches)))
                self.total = len(self.matches)
            given = self.filters()
            unfiltered = self.open_unfiltered(session) if given and not self.queue else 0
        console = render.console()
        left = len(self.queue)
        if not left and unfiltered:
            # Filters that leave nothing say so, and how much they left out.
            console.print(
                f"nothing to review: 0 of {self.count(unfiltered, 'open')} match {given}",
                markup=False,
            )
        elif not left:
            console.print(
                f"nothing to review: {self.count(0, 'open')}{self._of_total()}", markup=False
            )
        elif self.decided_before:
            console.print(
                f"{self.decided_before} of {self.count(self.total)} decided; "
                f"resuming at #{self.decided_before + 1}",
                markup=False,
            )
        else:
            console.print(
                f"{self.count(left, 'open')}; starting at #1 (press ? for the keys)",
                markup=False,
            )

    def filters(self) -> str:
        """The filters given, as they were typed: `--kind value --lang ru`."""
        given = {
            "--topic": self.where.topic,
            "--kind": self.where.kind,
            "--stance": self.where.stance,
            "--lang": self.where.language,
        }
        return " ".join(f"{option} {value}" for option, value in given.items() if value)

    def open_unfiltered(self, session: Session) -> int:
        """How many items are open with no filter: conflicts, or matches of the score."""
        # Late import, for start-up time: see the module docstring of factbase.cli.
        from factbase.analysis.conflicts import ConflictFilter, count_conflicts
        from factbase.analysis.review import ReviewFilter, match_queue

        if self.what is Queue.CONFLICTS:
            return count_conflicts(session, ConflictFilter(status="open"))
        return len(match_queue(session, ReviewFilter(), min_score=self.min_score))

    def _of_total(self) -> str:
        return f" ({self.decided_before} of {self.total} decided)" if self.total else ""

    def fetch(self, ref: int) -> ConflictItem | MatchItem | None:
        # Late import, for start-up time: see the module docstring of factbase.cli.
        from factbase.analysis.review import load_conflict, load_match

        with self.db.session() as session:
            if self.what is Queue.CONFLICTS:
                return load_conflict(session, ref)
            return load_match(session, self.matches[ref])

    def ask(self, ref: int, item: ConflictItem | MatchItem) -> bool:
        """Read keys until this item is decided or skipped; False to stop the review."""
        # Late import, for start-up time: see the module docstring of factbase.cli.
        from factbase.errors import FactbaseError

        deciding = CONFLICT_KEYS if self.what is Queue.CONFLICTS else MATCH_KEYS
        note: str | None = None
        console = render.console()
        while True:
            key = self.keys.key(f"#{self.position} of {self.total} [{PROMPT_KEYS[self.what]}]")
            if key is None or COMMON_KEYS.get(key) == "quit":
                self.queue.appendleft(ref)
                return False
            command = deciding.get(key) or COMMON_KEYS.get(key)
            if command is None:
                console.print(f"unknown key {key!r}: press ? for the keys", markup=False)
            elif command == "help":
                show_help(HELP[self.what] + COMMON_HELP)
            elif command == "sources":
                show_sources(item)
            elif command == "note":
                note = self.keys.line(NOTE_PROMPT[self.what]) or None
                if note:
                    console.print("the note goes with the next decision", style="dim")
            elif command == "skip":
                self.skipped += 1
                console.print("skipped: still open, shown again next run", style="dim")
                return True
            elif command == "undo":
                if self.undo_last(ref):
                    return True
            else:
                try:
                    self.decide(ref, command, note)
                except FactbaseError as exc:
                    console.print(f"not saved: {exc.message}", markup=False)
                    if self.fetch(ref) is not None:
                        continue  # still open (say the database was busy): try again
                return True

    def decide(self, ref: int, command: str, note: str | None) -> None:
        # Late import, for start-up time: see the module docstring of factbase.cli.
        from factbase.analysis.review import decide_conflict, decide_match

        with self.db.session(write=True) as session:
            if self.what is Queue.CONFLICTS:
                decision = decide_conflict(session, ref, command, note)
            else:
                decision = decide_match(session, self.matches[ref], command == "same", note)
        self.decided.append(decision)
        saved = f"saved: {decision.summary}" + (f" (note: {note})" if note else "")
        render.console().print(saved, markup=False)

    def undo_last(self, current: int) -> bool:
        """Undo this run's last decision and show its item again; False if nothing changed."""
        # Late import, for start-up time: see the module docstring of factbase.cli.
        from factbase.analysis.review import undo
        from factbase.errors import FactbaseError

        console = render.console()
        if not self.decided:
            console.print("nothing to undo in this run", markup=False)
            return False
        decision = self.decided[-1]
        try:
            with self.db.session(write=True) as session:
                message = undo(session, decision)
        except FactbaseError as exc:
            console.print(f"not undone: {exc.message}", markup=False)
            self.decided.pop()  # what was decided stands; the one before may still go
            return False
        self.decided.pop()
        self.undone += 1
        console.print(message, markup=False)
        self.queue.appendleft(current)
        self.queue.appendleft(self._ref_of(decision))
        return True

    def _ref_of(self, decision: Decision) -> int:
        """The queue entry of a decided item: a conflict id, or a match's index."""
        if decision.conflict_id is not None:
            return decision.conflict_id
        assert decision.pair is not None  # a match decision; this run's, so in its list
        return [(s.claim_a, s.claim_b) for s in self.matches].index(decision.pair)

    def finish(self) -> None:
        parts = [f"{len(self.decided)} decided"]
        if self.undone:
            parts.append(f"{self.undone} undone")
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        left = len(self.queue) + self.skipped
        console = render.console()
        console.print(
            f"review ended: {', '.join(parts)}; {self.count(left, 'open')} left", markup=False
        )
        if left and self.what is Queue.CONFLICTS:
            console.print(
                f"run `factbase review` again to resume at #{self.done + 1}", markup=False
            )
