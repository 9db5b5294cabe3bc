"""Exceptions a user can meet, each phrased as a sentence with the fix."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
    """An update was based on a version of the event that is no longer current.

    ``fields`` holds, for each field the refused change touched, ``[stored value, your value]``;
    ``changed_by`` and ``changed_at`` say who saved the version now stored, when the store knows.
    The message shows all of it, so the analyst sees both versions side by side.
    """

    def __init__(
        self,
        event_id: str,
        *,
        expected: int,
        current: int,
        fields: Mapping[str, Sequence[object]] | None = None,
        changed_by: str | None = None,
        changed_at: str | None = None,
        what: str = "event",
    ) -> None:
        self.event_id = event_id
        self.expected = expected
        self.current = current
        self.fields = {k: list(v) for k, v in (fields or {}).items()}
        self.changed_by = changed_by
        self.changed_at = changed_at
        saved = ""
        if changed_by or changed_at:
            who = f" by {changed_by}" if changed_by else ""
            when = f" at {changed_at}" if changed_at else ""
            saved = f" (saved{who}{when})"
        lines = [
            f"{what} {event_id} was changed by someone else: you edited version {expected}, "
            f"the store now holds version {current}{saved}. "
            f"Reload the {what} and apply your change again."
        ]
        for name, (stored, yours) in self.fields.items():
            lines.append(f"  {name}: the store has {stored!r}, you wrote {yours!r}")
        super().__init__("\n".join(lines))
