"""Lines a user reads that one process makes and another shows (docs/ARCHITECTURE.md,
"Languages"): the trainer's failures, notices and collapse alerts reach the window through a
pipe or metrics.jsonl, and the trainer has no translator, so a line translated where it is
made would always be English.

A `Said` is such a line: a `str` (so every reader, log and test sees the text as before: the
English in a trainer or on the command line, the window's language in the window) that also
keeps its English template and its fields. `text_of(line)` says it again in the language the
window has now, at display time; a pickled Said (an event crossing the process boundary) is
rebuilt from its template, and `plain()`/`from_plain()` carry one through a JSON record.

    raise ValueError(Said(QT_TR_NOOP("learning rate must be positive, got {value}"), value=v))

The template is marked with QT_TR_NOOP (lupdate reads literals only) and is looked up with
tr() when the line is rendered. A field may be a Said itself (a failure around an error).
Qt-free.
"""
from __future__ import annotations

from explorer.core.text import QT_TR_NOOP, tr  # noqa: F401  (QT_TR_NOOP: for the callers)


def _text(value):
    return value.text() if isinstance(value, Said) else value


def render(template: str, fields: dict | None = None) -> str:
    """`template` in the language installed now, filled with `fields` (Saids said again)."""
    values = {k: _text(v) for k, v in (fields or {}).items()}
    try:
        return tr(template).format(**values)
    except (KeyError, IndexError, ValueError):   # a translation that lost a field: the English
        return template.format(**values)


class Said(str):
    """A line with its English template and fields (see the module's doc)."""

    template: str
    fields: dict

    def __new__(cls, template: str, /, **fields):
        self = super().__new__(cls, render(template, fields))
        self.template, self.fields = template, fields
        return self

    def text(self) -> str:
        """The line in the language installed now."""
        return render(self.template, self.fields)

    def english(self) -> str:
        values = {k: v.english() if isinstance(v, Said) else v for k, v in self.fields.items()}
        return self.template.format(**values)

    def __reduce__(self):
        return (_rebuild, (self.template, self.fields))

    def plain(self) -> dict:
        """Plain data for a JSON record: {"template": ..., "fields": {...}}."""
        return {"template": self.template,
                "fields": {k: v.plain() if isinstance(v, Said) else v for k, v in self.fields.items()}}

    @classmethod
    def from_plain(cls, data) -> "Said | None":
        """The Said `plain()` wrote, or None for anything else (an older record)."""
        if not isinstance(data, dict) or not isinstance(data.get("template"), str):
            return None
        fields = data.get("fields") if isinstance(data.get("fields"), dict) else {}
        try:
            return cls(data["template"], **{k: cls.from_plain(v) or v if isinstance(v, dict) else v
                                            for k, v in fields.items()})
        except (KeyError, IndexError, ValueError, TypeError):
            return None


def joined(parts, sep: str = ", ") -> Said:
    """`parts` (Saids or plain text) joined by `sep`, each said again in the window's language:
    the template is made here, not a catalogue's, so tr() leaves it as it is."""
    parts = list(parts)
    template = sep.replace("{", "{{").replace("}", "}}").join(f"{{p{i}}}" for i in range(len(parts)))
    return Said(template, **{f"p{i}": p for i, p in enumerate(parts)})


def _rebuild(template: str, fields: dict) -> Said:
    return Said(template, **fields)


def text_of(line) -> str:
    """`line` in the window's language now: a Said said again, any other text as it is."""
    if isinstance(line, Said):
        return line.text()
    return "" if line is None else str(line)


def english_of(line) -> str:
    """`line` in English (a Said's source; any other text as it is): for logs and files."""
    if isinstance(line, Said):
        return line.english()
    return "" if line is None else str(line)


def said_of(e: BaseException) -> Said | None:
    """The Said an exception was raised with, if any."""
    args = getattr(e, "args", ())
    return args[0] if len(args) == 1 and isinstance(args[0], Said) else None
