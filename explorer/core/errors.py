"""The one line of an exception a user is shown."""
from __future__ import annotations


def first_line(e: BaseException, limit: int | None = None) -> str:
    """The first line of `e`'s message (its type's name if it has none), cut at `limit`.
    An exception raised with a one-line Said (explorer/core/said.py) gives that Said back,
    so the window can say it in its own language wherever it was raised."""
    from explorer.core.said import said_of

    said = said_of(e)
    if said is not None and said.strip() == said and "\n" not in said and (not limit or len(said) <= limit):
        return said
    text = str(e).strip()
    line = text.splitlines()[0] if text else type(e).__name__
    return line[:limit] if limit else line
