"""Exceptions a user can meet, each phrased as a sentence with the fix."""

from __future__ import annotations

from dataclasses import dataclass


class ConflictmapError(Exception):
    """Base class of every error conflictmap raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One bad field of one row: where it is and what is wrong with it."""

    row: object
    column: str
    message: str

    def __str__(self) -> str:
        where = "header" if self.row == "header" else f"row {self.row}"
        return f"{where}, column {self.column}: {self.message}"


class ValidationError(ConflictmapError):
    """Rows that break the event schema; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem], *, what: str = "events") -> None:
        self.problems = list(problems)
        shown = "\n".join(f"  {p}" for p in self.problems[:50])
        more = len(self.problems) - 50
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"{len(self.problems)} problem(s) in the {what}:\n{shown}{tail}")


class InputError(ConflictmapError):
    """A file or text that cannot be read at all (encoding, syntax, missing header)."""


class StoreError(ConflictmapError):
    """The store cannot do what was asked (missing event, unreadable file)."""


class NotFoundError(StoreError):
    """No event with the given id."""


class ConflictError(StoreError):
    """An update was based on a version of the event that is no longer current."""

    def __init__(self, event_id: str, *, expected: int, current: int) -> None:
        self.event_id = event_id
        self.expected = expected
        self.current = current
        super().__init__(
            f"event {event_id} was changed by someone else: you edited version {expected}, "
            f"the store now holds version {current}. Reload the event and apply your change again."
        )
