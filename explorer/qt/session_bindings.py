"""Each panel observing the session (explorer/core/session.py): on every change of run it is
refilled from the new run or shows its empty state; live figures come only from the worker of
the run shown. Every panel keeps `shown_run`, the path of the run its content came from (None:
its empty state), so a test or `bench journey` can check that nothing stale stays on screen."""
from __future__ import annotations

from explorer.core import session as S

from .i18n import QT_TR_NOOP, tr

STATE_WORDS = {"starting": QT_TR_NOOP("Starting the training process…"),
               "stopping": QT_TR_NOOP("Stopping: saving a checkpoint…")}


def bind_training_panel(panel, session) -> None:
    def header(step=None, epoch=None):
        s = session.summary()
        if s is None:
            panel.title.setText(tr("No run open"))
            panel.subtitle.setText("")
            return
        panel.set_run(s["name"], s["model"], s["dataset"], s["step"] if step is None else step,
                      s["epoch"] if epoch is None else epoch)

    def on_run(ctx):
        panel.shown_run = session.run_path
        panel.lr.clear()                # a rate typed for one run is not the next run's
        panel.set_lr_now(None)
        panel.status.setText("")
        header()

    def on_state(view):
        panel.set_state(view)
        if view in STATE_WORDS:
            panel.status.setText(tr(STATE_WORDS[view]))
        elif view == "failed":
            reason = session.failure
            panel.status.set_render(lambda: tr("Failed: {reason}").format(reason=reason))
        header()

    def on_progress(p):
        if session.trains_shown:
            panel.show_progress(p)

    def on_epoch(ev):
        if session.trains_shown:
            header(max(ev.step, session.worker_step or 0), ev.epoch)

    def on_finished(ev):
        if session.trains_shown:
            step = ev.step
            if ev.stopped:
                panel.status.set_render(lambda: tr("Training stopped at step {step} (checkpoint saved).")
                                        .format(step=step))
            else:
                panel.status.set_render(lambda: tr("Training finished at step {step} (checkpoint saved).")
                                        .format(step=step))

    def on_lr(ev):
        if session.trains_shown:
            panel.set_lr_now(ev.lr)

    panel.shown_run = None
    session.on(S.RUN, on_run)
    session.on(S.STATE, on_state)
    session.on(S.PROGRESS, on_progress)
    session.on("EpochEnd", on_epoch)
    session.on("Paused", lambda ev: header())
    session.on("Finished", on_finished)
    session.on("LrChanged", on_lr)
    panel.pause_requested.connect(lambda: session.send("pause"))
    panel.resume_requested.connect(lambda: session.send("resume"))
    panel.stop_requested.connect(session.stop)
    panel.save_requested.connect(lambda: session.send("save"))
    panel.lr_requested.connect(lambda lr: session.send(("set_lr", lr)))


def bind_timeline_panel(panel, session) -> None:
    def on_run(ctx):
        panel.reset()
        panel.shown_run = session.run_path
        if ctx is None:
            panel.set_kind("")
            panel.set_entries([])
            return
        panel.set_kind(ctx.timeline_kind)
        panel.set_entries(ctx.follower.timeline())

    def on_records(ctx, records):
        if any(r.get("kind") in ("epoch", "samples", "resume") for r in records):
            panel.set_entries(ctx.follower.timeline())

    panel.shown_run = None
    session.on(S.RUN, on_run)
    session.on(S.RECORDS, on_records)
    session.on(S.STATE, lambda view: panel.sample_button.setEnabled(view in ("training", "paused")))
    panel.sample_now.connect(lambda: session.send("sample"))


def bind_loss_panel(panel, session) -> None:
    def on_run(ctx):
        panel.shown_run = session.run_path
        panel.set_history(None if ctx is None else ctx.history)
        # behind another tab: drawn when shown (LossPanel.showEvent), before its first paint;
        # rebuilding its plots for a hidden tab cost 45-55 ms of each change of run
        panel.refresh(force=panel.isVisible())

    panel.shown_run = None
    session.on(S.RUN, on_run)


def bind_latent_session(latent, session) -> None:
    """The latent map and its docks follow the LatentSession, which follows this one."""
    session.on(S.RUN, latent.set_context)
    session.on(S.CHECKPOINT, lambda ctx, first: latent.on_checkpoint(first))
    # a run training in this window needs the cores: the slow maps wait (any run, not only the shown)
    session.on(S.STATE, lambda view: latent.set_training(
        session.training and session.state in (S.WorkerState.STARTING, S.WorkerState.TRAINING)))


def bind_codebook_panel(panel, session) -> None:
    session.on(S.RUN, panel.set_context)
    session.on(S.CHECKPOINT, lambda ctx, first: panel.on_checkpoint())
    session.on(S.RECORDS, lambda ctx, records: panel.refresh())
    session.on(S.STATE, lambda view: panel.set_live(session.trains_shown))
    session.on("CodesRestarted", lambda ev: session.trains_shown and panel.on_codes_restarted(ev))
    panel.restart_requested.connect(lambda: session.send("restart_codes"))
    panel.auto_restart_changed.connect(lambda on: session.send(("set_restarts", on)))


def bind_quality_panel(panel, window) -> None:
    """The Quality tab: the run shown, and the other runs on its dataset to compare with."""
    session = window.session

    def on_run(ctx):
        def others():   # read when the tab is shown: each run's summary is a file read on the GUI thread
            return [(s["path"], f"{s['name']} ({s['model']})")
                    for s in session.run_summaries(window.known_runs())
                    if s["dataset"] == ctx.summary["dataset"] and s["path"] != str(ctx.path)]
        panel.set_context(ctx, others if ctx is not None else ())

    session.on(S.RUN, on_run)
    session.on(S.RECORDS, lambda ctx, records: panel.refresh())
    session.on(S.CHECKPOINT, lambda ctx, first: panel.refresh(force=True))


def show_samples_at(window, step: int) -> None:
    """The sample timeline at the entry nearest `step` (the later one of two as near): a GAN
    alert clicked shows what the samples looked like then."""
    entries = window.timeline_panel.entries
    if not entries:
        window.status.showMessage(tr("No samples saved yet: the sample timeline fills at each epoch's end."), 8000)
        return
    i = min(range(len(entries)), key=lambda k: (abs(entries[k].step - step), -entries[k].step))
    window.timeline_panel.select(i)
    dock = window.docks["Sample timeline"]
    dock.show()
    dock.raise_()


def shown_run_of(widget) -> str | None:
    """The run a panel shows (None: its empty state), for the panels that keep a context."""
    if hasattr(widget, "shown_run"):
        return widget.shown_run
    ctx = getattr(widget, "context", None)
    if ctx is None and hasattr(widget, "session"):
        ctx = widget.session.context
    return None if ctx is None else str(ctx.path)


