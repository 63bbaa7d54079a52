"""The GAN monitor wired to a training worker: fresh weights for its toy view while the run
trains, step mode (the weights just before and after one step), and a new run that applies a
mitigation. The protocol itself (what each answer is for) is Qt-free: WeightRequests."""
from __future__ import annotations

from PySide6 import QtCore

from explorer.core.training.weight_requests import WeightRequests


class GanMonitorLink(QtCore.QObject):
    def __init__(self, window, panel, interval_ms: int):
        super().__init__(window)
        self.window, self.panel = window, panel
        self.requests = WeightRequests()
        self.timer = QtCore.QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.request_weights)
        panel.step_requested.connect(self.step)
        panel.new_run_requested.connect(self.fix_run)

    def set_context(self, ctx) -> None:
        from explorer.core.runs import CheckpointError
        from explorer.core.training.follow import run_summary
        from models import ADVERSARIAL, capabilities_of

        others = []
        for path in self.window.known_runs():
            try:
                s = run_summary(path)
            except CheckpointError:
                continue
            if s["dataset"] == ctx.summary["dataset"] and ADVERSARIAL in capabilities_of(s["model"]):
                others.append((path, f"{s['name']} ({s['model']})"))
        self.panel.set_context(ctx, others)
        self.requests.paused_fresh = False   # a new view of the run: it needs a snapshot even if paused
        self.update()

    def update(self) -> None:
        """While this window trains the GAN shown: step mode, and fresh weights for its toy view."""
        panel = self.panel
        state = self.window._worker_state
        live = panel.is_gan and self.window.worker is not None and self.window.worker.running and self.window._is_worker_run()
        if live and panel.wants_weights and not self.timer.isActive():
            self.timer.start()
        elif not (live and panel.wants_weights):
            self.timer.stop()
        if state != "paused":
            self.requests.paused_fresh = False
        stepping = live and self.requests.stepping_in_flight(self.window.worker)
        panel.set_stepping_enabled(live and state in ("training", "paused") and not stepping)

    def request_weights(self) -> None:
        """One request at a time, and none while the last answer is being drawn: the toy view
        paces the snapshots."""
        if self.panel.busy or self.window.views.currentWidget() is not self.panel:
            return
        if self.requests.want_view(self.window.worker, self.window._worker_state == "paused"):
            self.window.send("weights")

    def on_weights(self, ev) -> None:
        why = self.requests.answer(self.window.worker, ev.step, self.window._worker_state == "paused")
        if why == "again":
            self.window.send("weights")
            return
        ctx, panel = self.window.context, self.panel
        if ctx is None or not self.window._is_worker_run() or panel.context is not ctx or not panel.wants_weights:
            return
        model = panel.model_from_state(ev.state)
        if ctx.loaded is not None:  # the window's copy follows the trainer (the latent map decodes with it)
            ctx.loaded.model, ctx.loaded.step = model, ev.step
        if why == "after":
            panel.show_weights(model, ev.step, stepped=self.requests.end_step())
            self.update()
        else:
            panel.show_weights(model, ev.step)

    def step(self, which: str) -> None:
        """One step of D ("d"), G ("g") or both ("all"), then pause; the weights just before
        and just after it are drawn, the earlier samples faintly."""
        if not (self.window.worker is not None and self.window.worker.running and self.window._is_worker_run()) \
                or self.requests.stepping_in_flight(self.window.worker):
            return
        if not self.panel.wants_weights:   # an image GAN: no toy view to draw before and after
            self.window.send(("step", which))
            return
        self.requests.begin_step(self.window.worker, which)
        self.window.send("weights")
        self.window.send(("step", which))
        self.window.send("weights")
        self.update()

    def fix_run(self, over: dict) -> None:
        from explorer.core.runs import free_run_name, read_config
        from explorer.core.training.worker import WorkerSpec

        if self.window.context is None:
            return
        mc, tc, _ = read_config(self.window.context.path)
        model_over = {k: v for k, v in mc.to_dict().items()
                      if k not in ("model", "data_shape", "n_classes", "data_kind")}
        model_over.update(over["model"])
        train_over = {k: v for k, v in tc.to_dict().items() if k != "dataset"}
        train_over.update(over["train"])
        name = free_run_name(self.window.runs_root, f"{self.window.context.path.name}-pack{model_over['pack']}")
        self.window.start_run(WorkerSpec(run_dir=str(self.window.runs_root / name), model=mc.model, dataset=tc.dataset,
                                  model_overrides=model_over, train_overrides=train_over))
