"""The engine's own exceptions, and a model's refusal of a command put in words the window
can translate. Qt-free."""
from __future__ import annotations

from explorer.core.said import QT_TR_NOOP, Said


class NonFiniteLoss(Exception):
    def __init__(self, step: int, part: str, value: float):
        super().__init__(Said(QT_TR_NOOP("loss part '{part}' became {value}"), part=part, value=value))
        self.step, self.part = step, part


class RunExists(Exception):
    pass


def model_refusal(e: ValueError) -> str:
    """A model's refusal of a command (models/ cannot import the catalogue's tr): the known
    ones as Saids, the window says them in its language; any other as it is."""
    text = str(e)
    if text == "no codes assigned yet since the last reset: train a few steps, then restart":
        return Said(QT_TR_NOOP("no codes assigned yet since the last reset: train a few steps, then restart"))
    return text
