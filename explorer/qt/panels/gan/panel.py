"""GAN monitor: see collapse as it begins, understand why, try a fix.

- Toy data (ring8, grid25, moons, spiral): the toy view (toy_view_plot.py). While the run
  trains the window asks the trainer for a copy of the weights a few times a second (plain
  CPU arrays, explorer.core.training.events.WeightsSnapshot) and redraws.
- Coverage over training (coverage_curves.py), with the classifier's label histogram as a
  class x evaluation heat map for image GANs.
- Alerts from the core ("mode collapse suspected"), listed with their steps (alert_list.py);
  clicking one moves the sample timeline there.
- Step mode: one step of D, of G, or of both, then pause; the toy view keeps the state
  before the step faintly so the change is visible.
- Mitigations for a new run (packing, minibatch-std, separate learning rates, label
  smoothing), and another run's coverage beside this one's.
"""
from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from ...concept_card import ConceptCard
from ...i18n import tr
from ...palette import TEXT_FAINT, TEXT_MUTED
from ...widgets import placeholder, placeholder_stack
from .alert_list import AlertList
from .coverage_curves import CoverageCurves, LabelsHeatmap
from .toy_view_plot import ToyViewPlot, core_toy_view, toy_arrays

SNAPSHOT_MS = 400     # ask for fresh weights this often while a toy GAN trains


def _hint(text: str, colour: str = TEXT_FAINT) -> QtWidgets.QLabel:
    label = QtWidgets.QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {colour};")
    return label


class GanPanel(QtWidgets.QWidget):
    step_requested = QtCore.Signal(str)        # "d", "g" or "all"
    new_run_requested = QtCore.Signal(dict)    # model setting overrides for a new run from this one
    alert_clicked = QtCore.Signal(int)         # step

    def __init__(self, parent=None):
        super().__init__(parent)
        from ...jobs import Jobs

        self.jobs = Jobs(self)
        self.context = None
        self.is_gan = False
        self.toy = None           # explorer.core.gan.toy_view.ToyView, built in the background
        self.kind = None          # "points" | "image"
        self.model_cfg = None
        self.train_cfg = None
        self.model = None         # the weights the toy view draws: a checkpoint's or a live snapshot's
        self.model_step = -1
        self.drawn_step = None    # the step of the weights on screen
        self._requested = None    # the model of the toy-view job last submitted
        self._template = None     # (model config, a model of it): what model_from_state copies
        self.compare_history = None
        self._drawn_version = None
        self._alert_key = None
        self._undefined: set = set()   # coverage keys the run logs as null (see _note_undefined)
        self._scanned = 0              # records of the context's follower looked at for them
        self._toy_said = None          # what the toy view's status line says: ("step", step, note),
                                       # ("failed", message) or None (a static text, or none)
        self._summary_said = None      # the summary's: ("metrics",), ("number", setting) or None

        # left: the toy view, or the label heat map for image GANs
        self.toy_plot = ToyViewPlot()
        self.toy_caption = _hint(tr(
            "Background: the discriminator's output D(x) at each point (red: D believes real data lies "
            "there, blue: fake). Black: real data. Green: the generator's samples G(z). Thin lines: a "
            "regular grid of noise z after G, showing how G stretches the noise onto the data."), TEXT_MUTED)
        self.toy_status = QtWidgets.QLabel("")
        self.toy_status.setWordWrap(True)
        self.labels = LabelsHeatmap()
        self.left = QtWidgets.QStackedWidget()
        self.game_card = ConceptCard(self._game_card_text)
        toy_box = QtWidgets.QWidget()
        tl = QtWidgets.QVBoxLayout(toy_box)
        tl.setContentsMargins(0, 0, 0, 0)
        status_row = QtWidgets.QHBoxLayout()
        status_row.addWidget(self.toy_status, 1)
        status_row.addWidget(self.game_card.button)
        tl.addLayout(status_row)
        tl.addWidget(self.toy_plot, 1)
        tl.addWidget(self.game_card)
        tl.addWidget(self.toy_caption)
        self.left.addWidget(toy_box)
        self.left.addWidget(self.labels)

        # step mode
        self.step_d = QtWidgets.QPushButton(tr("Step D"))
        self.step_g = QtWidgets.QPushButton(tr("Step G"))
        self.step_both = QtWidgets.QPushButton(tr("Step both"))
        for b, which, tip in ((self.step_d, "d", tr("One discriminator step, then pause")),
                              (self.step_g, "g", tr("One generator step, then pause")),
                              (self.step_both, "all", tr("One step of each, then pause"))):
            b.setToolTip(tip)
            b.clicked.connect(lambda _=False, w=which: self.step_requested.emit(w))
        # the title and the hint above and under the buttons: beside them they widened the tab
        steps = QtWidgets.QGridLayout()
        steps.addWidget(QtWidgets.QLabel(tr("Step mode:")), 0, 0, 1, 4)
        for i, b in enumerate((self.step_d, self.step_g, self.step_both)):
            steps.addWidget(b, 1, i)
        steps.setColumnStretch(3, 1)
        self.step_hint = QtWidgets.QLabel("")
        self.step_hint.setWordWrap(True)
        self.step_hint.setStyleSheet(f"color: {TEXT_FAINT};")
        steps.addWidget(self.step_hint, 2, 0, 1, 4)

        # right: coverage curves, alerts, mitigations
        self.coverage = CoverageCurves()
        self.alerts = AlertList()
        self.alerts.step_clicked.connect(self.alert_clicked.emit)
        self.summary = QtWidgets.QLabel("")
        self.summary.setWordWrap(True)
        self.compare = QtWidgets.QComboBox()
        self.compare.setToolTip(tr("Another run's coverage, dashed, beside this one's"))
        self.compare.currentIndexChanged.connect(self._compare_chosen)
        right = QtWidgets.QVBoxLayout()
        cmp_row = QtWidgets.QHBoxLayout()
        cmp_row.addWidget(QtWidgets.QLabel(tr("Compare with")))
        cmp_row.addWidget(self.compare, 1)
        self.coverage_card = ConceptCard(self._coverage_card_text)
        self.coverage_card.place(right, self.summary)
        right.addWidget(self.coverage, 1)
        right.addWidget(_hint(tr("G's and D's losses, mean D(x) and D(G(z)) and both gradient norms are "
                                 "on the Losses tab. Red dotted lines, there and here, mark alerts.")))
        right.addLayout(cmp_row)
        right.addWidget(_hint(tr("<b>Alerts</b> (click to see the samples at that step)"), TEXT_MUTED))
        right.addWidget(self.alerts)
        right.addWidget(self._fix_box())
        right_inner = QtWidgets.QWidget()
        right_inner.setLayout(right)
        # on a short screen the column scrolls rather than squashing the coverage plots (each
        # keeps room for its title and tick labels) or holding the window taller than the screen
        right_w = QtWidgets.QScrollArea()
        right_w.setWidgetResizable(True)
        right_w.setFrameShape(QtWidgets.QFrame.NoFrame)
        right_w.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarAlwaysOff)
        right_w.setWidget(right_inner)
        right_w.setMinimumWidth(right_inner.minimumSizeHint().width() + right_w.verticalScrollBar().sizeHint().width())
        left_w = QtWidgets.QWidget()
        ll = QtWidgets.QVBoxLayout(left_w)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.left, 1)
        ll.addLayout(steps)
        split = QtWidgets.QSplitter()
        split.addWidget(left_w)
        split.addWidget(right_w)
        split.setSizes([500, 400])
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        self.placeholder = placeholder(tr("The GAN monitor is for adversarial runs (gan, dcgan, cgan)."))
        self.stack = placeholder_stack(self.placeholder, split)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.stack)
        self.set_stepping_enabled(False)

    @property
    def curves(self) -> dict:
        """Coverage key -> (plot, this run's curve, the compared run's, alert marks)."""
        return self.coverage.curves

    def _fix_box(self) -> QtWidgets.QGroupBox:
        fix = QtWidgets.QGroupBox(tr("Try a fix: a new run from this one with"))
        self.pack = QtWidgets.QSpinBox()
        self.pack.setRange(1, 4)
        self.pack.setPrefix(tr("packing m = "))
        self.mbstd = QtWidgets.QCheckBox(tr("minibatch-std"))
        self.smooth = QtWidgets.QDoubleSpinBox()
        self.smooth.setRange(0, 0.5)
        self.smooth.setSingleStep(0.05)
        self.lr_d = QtWidgets.QLineEdit()
        self.lr_d.setPlaceholderText(tr("D lr (same)"))
        self.lr_g = QtWidgets.QLineEdit()
        self.lr_g.setPlaceholderText(tr("G lr (same)"))
        go = QtWidgets.QPushButton(tr("Train it"))
        go.clicked.connect(self._new_run)
        self.smooth.setPrefix(tr("smoothing "))
        self.smooth.setToolTip(tr("One-sided label smoothing: D's target for real data is 1 minus this"))
        fl = QtWidgets.QGridLayout(fix)
        fl.addWidget(self.pack, 0, 0)
        fl.addWidget(self.mbstd, 0, 1)
        fl.addWidget(self.smooth, 1, 0)
        fl.addWidget(go, 1, 1)
        fl.addWidget(self.lr_d, 2, 0)
        fl.addWidget(self.lr_g, 2, 1)
        for w in (self.pack, self.smooth, self.lr_d, self.lr_g):
            w.setMinimumWidth(60)
            w.setSizePolicy(QtWidgets.QSizePolicy.Ignored, QtWidgets.QSizePolicy.Fixed)  # shrink with the column
        return fix

    # -- the run --------------------------------------------------------------------------
    def set_context(self, context, runs: list[tuple[str, str]] = ()) -> None:
        """`runs`: (path, label) of other runs that could be compared."""
        from explorer.core.runs import read_config
        from models import ADVERSARIAL, MODEL_CLASSES

        self.context = context
        self.toy = None
        self.model, self.model_step, self.drawn_step, self._requested = None, -1, None, None
        self.compare_history = None
        self._alert_key = None
        self._undefined, self._scanned = set(), 0
        self.alerts.clear()
        self._summary_said = self._toy_said = None
        self.summary.setText("")
        self.toy_status.setText("")
        self.toy_plot.clear_view()
        for name in ("toy", "view"):
            self.jobs.cancel(name)
        self.is_gan = False
        if context is not None:
            # a new run has no checkpoint yet (its weights come from the trainer): the model's
            # capabilities are known from its configuration alone
            self.model_cfg, self.train_cfg, _ = read_config(context.path)
            model_class = MODEL_CLASSES.get(self.model_cfg.model)
            caps = context.loaded.model.capabilities if context.loaded else getattr(model_class, "capabilities", ())
            self.is_gan = ADVERSARIAL in caps
        self.stack.setCurrentIndex(1 if self.is_gan else 0)
        if not self.is_gan:
            return
        self.kind = self.model_cfg.data_kind
        if self.kind == "points":
            self.toy_status.setText(tr("Loading the dataset…"))
            self.jobs.submit("view", lambda ctx=context: core_toy_view(ctx),
                             lambda view, ctx=context: self._view_ready(ctx, view),
                             lambda message: self._say_toy("failed", message))
        self.left.setCurrentIndex(0 if self.kind == "points" else 1)
        mc = self.model_cfg
        self.pack.setValue(max(2, mc.pack) if mc.pack == 1 else mc.pack)
        self.mbstd.setChecked(mc.minibatch_std)
        with QtCore.QSignalBlocker(self.compare):
            self.compare.clear()
            self.compare.addItem(tr("(none)"), None)
            for path, label in runs:
                if path != str(context.path):
                    self.compare.addItem(label, path)
        self.coverage.build(self.kind)
        self.refresh(force=True)

    @property
    def wants_weights(self) -> bool:
        """Whether live weight snapshots are drawn here (the toy view of a 2-D GAN)."""
        return self.is_gan and self.kind == "points"

    def _view_ready(self, context, view) -> None:
        if context is self.context:
            self.toy = view
            self.redraw_toy()

    def set_stepping_enabled(self, on: bool) -> None:
        for b in (self.step_d, self.step_g, self.step_both):
            b.setEnabled(on)
        self.step_hint.setText(tr("one step, then the run pauses") if on
                               else tr("(available while this run trains here)"))

    def model_from_state(self, state: dict):
        """A new model (never an in-place load: a background job may be drawing the old one)
        holding a WeightsSnapshot's arrays, in eval mode like a loaded checkpoint. A copy of
        one model built per configuration: building draws every weight's random start, which
        for the toy GAN cost 8 ms on the GUI thread at each snapshot (2.5 a second)."""
        import copy

        import torch
        from models import build_model

        cfg = self.model_cfg
        if self._template is None or self._template[0] is not cfg:
            self._template = (cfg, build_model(cfg))
        model = copy.deepcopy(self._template[1])
        model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
        return model.eval()

    def show_weights(self, model, step: int, stepped: str | None = None) -> None:
        """Draw `model` (the trainer's weights at `step`). `stepped` ("d", "g" or "all"): these
        weights are one step of that kind after the ones drawn now, which stay, faintly."""
        before = self.model if stepped else None
        self.model, self.model_step = model, step
        self.redraw_toy(before=before, note=stepped)

    def _current_model(self):
        """The newest weights known: a live snapshot's, or a checkpoint's that is newer."""
        loaded = self.context.loaded
        if loaded is not None and loaded.step > self.model_step:
            self.model, self.model_step = loaded.model, loaded.step
        return self.model

    def redraw_toy(self, before=None, note: str | None = None) -> None:
        """Compute the view from the current weights in the background, then draw it."""
        ctx = self.context
        if self.toy is None or ctx is None:
            return
        model = self._current_model()
        if model is None:
            self._toy_said = None
            self.toy_status.setText(tr("Waiting for the trainer's first weights…"))
            return
        if model is self._requested and before is None:
            return   # these weights are drawn (or being drawn) already
        self._requested = model
        view, step = self.toy, self.model_step

        def done(arrays):
            if view is not self.toy:
                return
            self.toy_plot.draw(view, arrays)
            self.drawn_step = step
            self._say_toy("step", step, note)

        self.jobs.submit("toy", lambda: toy_arrays(view, model, before), done,
                         lambda message: self._say_toy("failed", message))

    def _say_toy(self, *said) -> None:
        """The toy view's status line: ("step", step, note) for the weights drawn (`note`: the
        step just taken, "d", "g", "all" or None), ("failed", message)."""
        self._toy_said = said
        if said[0] == "failed":
            self.toy_status.setText(tr("Toy view: {message}").format(message=said[1]))
            return
        _, step, note = said
        what = {"d": tr("one D step"), "g": tr("one G step"), "all": tr("one step of D and of G")}.get(note)
        if what:
            self.toy_status.setText(tr("<b>G and D at step {step:,}</b>: after {what} (grey dots: G(z) before it)")
                                    .format(step=step, what=what))
        else:
            self.toy_status.setText(tr("<b>G and D at step {step:,}</b>").format(step=step))

    def retranslate(self) -> None:
        """The formatted lines again, in the language now installed (the curves, alerts and
        static texts are put back by their own widgets and explorer.qt.i18n.retranslate)."""
        if self._toy_said is not None:
            self._say_toy(*self._toy_said)
        if self._summary_said is not None and self._summary_said[0] == "number":
            self._number_needed(self._summary_said[1])
        elif self._summary_said is not None and self.context is not None and self.is_gan:
            self._summary_text(self.context)

    @property
    def busy(self) -> bool:
        return self.jobs.busy("toy") or self.jobs.busy("view")

    # -- coverage over training -------------------------------------------------------------
    def refresh(self, force: bool = False) -> None:
        """Redraw from the run's metrics (called on the window's follow timer)."""
        ctx = self.context
        if ctx is None or not self.curves:
            return
        h = ctx.history
        if not force and (h.version == self._drawn_version or not self.isVisible()):
            return   # nothing new, or another tab is in front: showEvent catches up
        self._drawn_version = h.version
        self._note_undefined(ctx)
        self.coverage.draw(h, self.compare_history, self._undefined)
        if self.train_cfg is not None:
            self.coverage.place_thresholds(self.train_cfg, self.model_cfg, ctx.last_metrics)
        self._alerts(ctx)
        if self.kind == "image":
            self.labels.draw(ctx.follower.records)
        self._summary(ctx)

    def _note_undefined(self, ctx) -> None:
        """Coverage keys that evaluations log as null (a value that is not defined yet, such
        as the reverse KL over modes before any sample lands near one): the history keeps
        numbers only, so such a curve is empty although the run does log it."""
        records = ctx.follower.records
        if self._scanned > len(records):   # the follower started over
            self._scanned = 0
        for r in records[self._scanned:]:
            if r.get("kind") in ("epoch", "eval"):
                self._undefined.update(k for k in self.curves if k in r and r[k] is None)
        self._scanned = len(records)

    def showEvent(self, e):
        super().showEvent(e)
        self.refresh()

    def _alerts(self, ctx) -> None:
        """The run's alerts, listed and marked on every coverage plot (only when they change)."""
        alerts = list(ctx.history.alerts)
        if alerts == self._alert_key:
            return
        self._alert_key = alerts
        self.alerts.set_alerts(alerts)
        self.coverage.mark_alerts(alerts)

    def _game_card_text(self) -> str:
        from explorer.core.concepts import gan_value_card

        ctx, mc = self.context, getattr(self, "model_cfg", None)
        return gan_value_card(None if ctx is None else ctx.history, getattr(mc, "gan_loss", "ns"),
                              getattr(mc, "label_smoothing", 0.0) or 0.0)

    def _coverage_card_text(self) -> str:
        from explorer.core.concepts import coverage_card

        ctx = self.context
        n = self.train_cfg.n_eval_samples if getattr(self, "train_cfg", None) is not None else None
        return coverage_card(None if ctx is None else ctx.last_metrics, n, getattr(self, "kind", "points") or "points")

    def _summary(self, ctx) -> None:
        self.game_card.refresh()
        self.coverage_card.refresh()
        self._summary_text(ctx)

    def _summary_text(self, ctx) -> None:
        self._summary_said = ("metrics",)
        last = ctx.last_metrics
        n = self.train_cfg.n_eval_samples if self.train_cfg is not None else 2500
        if self.kind == "points" and "modes_captured" in last:
            self.summary.setText(
                tr("<b>Step {step:,.0f}: {captured:.0f} of {n_modes} modes captured</b>, {hq:.0f}% of samples "
                   "high-quality (within 3σ of a mode).").format(
                    step=last.get('step', 0), captured=last['modes_captured'], n_modes=last.get('n_modes', '?'),
                    hq=100 * last.get('hq_fraction', 0))
                + " " + tr("A mode is captured when at least one of {n:,} generated samples lands within 3σ "
                           "of it.").format(n=n))
        elif "classes_covered" in last:
            self.summary.setText(tr("<b>Step {step:,.0f}: {classes:.0f} classes covered</b>, label entropy "
                                    "{entropy:.2f} nats (the classifier's labels of generated samples).").format(
                step=last.get('step', 0), classes=last['classes_covered'],
                entropy=last.get('label_entropy', float('nan'))))
        else:
            tc = self.train_cfg
            if tc is not None and tc.eval_every:
                text = tr("No coverage measured yet: the run measures it every {n:,} steps.").format(n=tc.eval_every)
            else:
                text = tr("No coverage measured yet: the run measures it at the end of each epoch.")
            self.summary.setText(text)

    def _compare_chosen(self) -> None:
        from explorer.core.training.follow import RunFollower
        from explorer.core.training.loss_history import LossHistory

        path = self.compare.currentData()
        self.compare_history = None
        if path:
            follower = RunFollower(path)
            self.compare_history = LossHistory()
            self.compare_history.add(follower.poll())
        self.refresh(force=True)

    def _new_run(self) -> None:
        over = {"pack": self.pack.value(), "minibatch_std": self.mbstd.isChecked(),
                "label_smoothing": float(self.smooth.value())}
        train = {}
        for edit, key in ((self.lr_d, "lr_d"), (self.lr_g, "lr_g")):
            if edit.text().strip():
                try:
                    train[key] = float(edit.text())
                except ValueError:
                    self._number_needed(key)
                    return
        self.new_run_requested.emit({"model": over, "train": train})

    def _number_needed(self, setting: str) -> None:
        """`setting` ("lr_d" or "lr_g") was not a number."""
        self._summary_said = ("number", setting)
        self.summary.setText(tr("{setting}: type a number such as 1e-4").format(setting=setting))
