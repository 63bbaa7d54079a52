"""The GAN monitor's step protocol with a training worker, without Qt.

The window asks the worker for the trainer's weights ("weights" commands) to draw the toy
view: on a timer ("view"), and just before and after one step of D, G or both ("before",
"after"). The worker answers in order; this keeps the list of what each unanswered request
was for, per worker, so an answer is drawn as what it is. A paused run's weights do not
change, so one answer while paused is enough.
"""
from __future__ import annotations


class WeightRequests:
    def __init__(self):
        self.worker = None
        self.pending: list[str] = []   # "view" | "before" | "after", in the order sent
        self.step_from: int | None = None
        self.stepping: str | bool = False   # the phases of the step in flight, or False
        self.paused_fresh = False            # an answer arrived while paused: no more needed

    def of(self, worker) -> list[str]:
        """The unanswered requests to `worker` (a new worker starts with none)."""
        if worker is not self.worker:
            self.worker, self.pending = worker, []
        return self.pending

    def stepping_in_flight(self, worker) -> bool:
        return "after" in self.of(worker)

    def want_view(self, worker, paused: bool) -> bool:
        """Whether to send a "weights" command for the timer's view now (and record it)."""
        pending = self.of(worker)
        if pending or (paused and self.paused_fresh):
            return False
        pending.append("view")
        return True

    def begin_step(self, worker, which: str) -> None:
        """A step of `which` is sent between two "weights" commands."""
        self.stepping = which
        self.of(worker).extend(["before", "after"])

    def answer(self, worker, step: int, paused: bool) -> str:
        """What the answer at `step` is for: "view", "before", "after", or "again" (an "after"
        answered before the step ran, e.g. an evaluation was due first: it is asked again)."""
        pending = self.of(worker)
        why = pending.pop(0) if pending else "view"
        self.paused_fresh = paused
        if why == "before":
            self.step_from = step
        elif why == "after" and step == self.step_from:
            pending.append("after")
            return "again"
        return why

    def end_step(self) -> str:
        """The phases of the step just drawn; no step is in flight after it."""
        which, self.stepping = self.stepping or "all", False
        return which
