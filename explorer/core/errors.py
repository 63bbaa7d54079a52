"""The one line of an exception a user is shown."""
from __future__ import annotations


def first_line(e: BaseException, limit: int | None = None) -> str:
    """The first line of `e`'s message (its type's name if it has none), cut at `limit`."""
    text = str(e).strip()
    line = text.splitlines()[0] if text else type(e).__name__
    return line[:limit] if limit else line
