"""The GAN monitor wired to the session: fresh weights for its toy view while the run trains
in this window, step mode (the weights just before and after one step), and a new run that
applies a mitigation. The step protocol itself is the session's (explorer/core/session.py)."""
from __future__ import annotations

from PySide6 import QtCore

from explorer.core import session as S


class GanMonitorLink(QtCore.QObject):
    def __init__(self, window, panel, interval_ms: int):
        super().__init__(window)
        self.window, self.panel, self.session = window, panel, window.session
        self.timer = QtCore.QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.request_weights)
        panel.step_requested.connect(self.step)
        panel.new_run_requested.connect(self.fix_run)
        s = self.session
        s.on(S.RUN, self.set_context)
        s.on(S.STATE, lambda view: self.update())
        s.on(S.RECORDS, lambda ctx, records: panel.refresh())
        s.on(S.CHECKPOINT, lambda ctx, first: panel.redraw_toy())
        s.on(S.WEIGHTS, self.on_weights)

    @property
    def requests(self):
        return self.session.requests

    def set_context(self, ctx) -> None:
        from models import ADVERSARIAL, capabilities_of

        others = []
        if ctx is not None:
            for s in self.session.run_summaries(self.window.known_runs()):
                if s["dataset"] == ctx.summary["dataset"] and ADVERSARIAL in capabilities_of(s["model"]):
                    others.append((s["path"], f"{s['name']} ({s['model']})"))
        self.panel.set_context(ctx, others)
        self.update()

    def update(self) -> None:
        """While this window trains the GAN shown: step mode, and fresh weights for its toy view."""
        panel, s = self.panel, self.session
        live = panel.is_gan and s.trains_shown
        if live and panel.wants_weights and not self.timer.isActive():
            self.timer.start()
        elif not (live and panel.wants_weights):
            self.timer.stop()
        panel.set_stepping_enabled(live and s.can_step())

    def request_weights(self) -> None:
        """One request at a time, and none while the last answer is being drawn: the toy view
        paces the snapshots."""
        if self.panel.busy or self.window.views.currentWidget() is not self.panel:
            return
        self.session.want_view_weights()

    def on_weights(self, ev, why: str) -> None:
        s, panel = self.session, self.panel
        ctx = s.run
        if s.state == S.WorkerState.STOPPING:
            return   # the run is saving (the window may be closing): nothing more to draw
        if ctx is None or not s.trains_shown or panel.context is not ctx or not panel.wants_weights:
            return
        if why != "after" and ev.step == panel.model_step:
            return   # a paused run's same weights again: redrawn, they would drop a step's faint "before"
        model = panel.model_from_state(ev.state)
        if ctx.loaded is not None:  # the window's copy follows the trainer (the latent map decodes with it)
            ctx.loaded.model, ctx.loaded.step = model, ev.step
        if why == "after":
            panel.show_weights(model, ev.step, stepped=self.requests.end_step())
            self.update()
        else:
            panel.show_weights(model, ev.step)

    def step(self, which: str) -> None:
        """One step of D ("d"), G ("g") or both ("all"), then pause; for a toy GAN the weights
        just before and just after it are drawn, the earlier samples faintly."""
        self.session.step(which, with_weights=self.panel.wants_weights)
        self.update()

    def fix_run(self, over: dict) -> None:
        if self.session.run is not None:
            self.window.start_run(self.session.variant_spec(self.window.runs_root, over))
