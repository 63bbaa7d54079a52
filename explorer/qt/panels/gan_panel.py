"""GAN monitor: see collapse as it begins, understand why, try a fix.

- Toy data (ring8, grid25, moons, spiral), in the spirit of GAN Lab on the user's
  own model: the real density, D's output as a heat map behind it, the current
  generated samples, and how G deforms a grid of noise. While the run trains the
  window asks the trainer for a copy of the weights a few times a second (plain
  CPU arrays, explorer.core.training.events.WeightsSnapshot) and redraws.
- Coverage over training: modes captured, % high-quality and reverse KL (toy
  data), or classes covered, label entropy, diversity and near-duplicates (images),
  with the classifier's label histogram as a class x evaluation heat map.
- Alerts from the core ("mode collapse suspected"), listed with their steps;
  clicking one moves the sample timeline there.
- Step mode: one step of D, of G, or of both, then pause; the toy view keeps the
  state before the step faintly so the change is visible.
- Mitigations for a new run (packing, minibatch-std, separate learning rates,
  label smoothing), and another run's coverage beside this one's.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ..widgets import placeholder, placeholder_stack

COVERAGE_KEYS = {
    "points": (("modes_captured", "modes captured"),
               ("hq_fraction", "fraction within 3σ of a mode"),
               ("reverse_kl", "reverse KL over modes (0: even)")),
    "image": (("classes_covered", "classes covered"), ("label_entropy", "label entropy (nats)"),
              ("diversity_ratio", "diversity (generated / real)"), ("near_duplicates", "near-duplicate pairs")),
}
ALERT_SIGNALS = ("modes_captured", "classes_covered", "diversity_ratio")   # the curves alerts watch
SNAPSHOT_MS = 400     # ask for fresh weights this often while a toy GAN trains


def toy_arrays(view, model, before=None) -> dict:
    """Everything the toy view draws, computed from the model (off the GUI thread: G on
    2,500 samples and D on the heat-map grid are ~2 GFLOP for PacGAN's 4x400 G).
    `before`: the model before a step, whose samples are drawn faintly under the new ones."""
    out = {"heat": view.heatmap(model), "samples": view.samples(model), "grid": None,
           "before": None if before is None else view.samples(before)}
    if model.latent.dim == 2:
        g = view.noise_grid(model)
        rows = [np.vstack([line, [np.nan, np.nan]]) for line in g]
        cols = [np.vstack([g[:, j], [np.nan, np.nan]]) for j in range(g.shape[1])]
        out["grid"] = np.vstack(rows + cols)
    return out


def _core_toy_view(context):
    """The fixed part of a run's toy view (loading its dataset can take seconds)."""
    from explorer.core.gan.toy_view import ToyView as CoreToyView

    return CoreToyView(context.data())


N_REAL_SHOWN = 1000   # real points drawn over the density: a narrow mode (ring8's) is smaller than a cell


def _pale(cmap: pg.ColorMap, alpha: float) -> pg.ColorMap:
    """The colour map as seen at `alpha` over white: the heat map drawn opaque, so that its
    colour bar shows the colours on screen and the items above it stay crisp."""
    pos, colours = cmap.getStops(mode="float")
    rgb = 255 * (alpha * np.asarray(colours)[:, :3] + (1 - alpha))
    return pg.ColorMap(pos, np.round(rgb).astype(np.uint8))


class ToyView(pg.PlotWidget):
    def __init__(self):
        super().__init__(background="w")
        self.setAspectLocked(True)
        self.setMenuEnabled(False)
        cmap = _pale(pg.colormap.get("CET-D1"), 0.55)    # blue (D says fake) - white - red (D says real)
        self.heat = pg.ImageItem(axisOrder="row-major")
        self.heat.setLookupTable(cmap.getLookupTable(nPts=256))
        self.density = pg.ImageItem(axisOrder="row-major")
        self.density.setOpacity(0.8)
        lut = np.zeros((256, 4), np.uint8)
        lut[:, 3] = np.linspace(0, 255, 256).astype(np.uint8)   # black, alpha by density
        self.density.setLookupTable(lut)
        self.real = pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(0, 0, 0, 170))
        self.before = pg.ScatterPlotItem(size=3, pen=None, brush=pg.mkBrush(110, 110, 110, 110))
        self.samples = pg.ScatterPlotItem(size=3, pen=None, brush=pg.mkBrush(0, 150, 60, 170))
        self.grid_lines = pg.PlotDataItem(pen=pg.mkPen(60, 60, 60, 90, width=1), connect="finite")
        for z, item in enumerate((self.heat, self.density, self.real, self.grid_lines, self.before, self.samples)):
            item.setZValue(z)
            self.addItem(item)
        self.colour_bar = pg.ColorBarItem(values=(0, 1), colorMap=cmap, width=12, interactive=False,
                                          colorMapMenu=False, pen="#666",
                                          label="D(x): 0 = sure it is fake, 1 = sure it is real")
        self.colour_bar.setImageItem(self.heat, insert_in=self.getPlotItem())
        self.legend = pg.LegendItem(offset=(10, 10), labelTextSize="8pt", brush=pg.mkBrush(255, 255, 255, 200))
        self.legend.setParentItem(self.getPlotItem().vb)
        self.legend.addItem(self.real, "real data")
        self.legend.addItem(self.samples, "G(z): generated samples")
        self._real_of = None
        self.redraw_ms = 0.0

    def draw(self, view, arrays: dict) -> None:
        """Draw computed arrays (toy_arrays); this part runs on the GUI thread and must fit a
        frame: `redraw_ms` records what it took, repaint included."""
        import time
        t = time.perf_counter()
        x0, x1, y0, y1 = view.extent
        rect = QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)
        dens = view.density()
        self.density.setImage(dens, levels=(0, float(np.percentile(dens[dens > 0], 99)) if (dens > 0).any() else 1))
        self.density.setRect(rect)
        self.heat.setImage(arrays["heat"], levels=(0, 1))
        self.heat.setRect(rect)
        if self._real_of is not view:
            x = view.data.train_x.numpy()
            pick = np.random.default_rng(0).choice(len(x), min(N_REAL_SHOWN, len(x)), replace=False)
            self.real.setData(x[pick, 0], x[pick, 1])
            self._real_of = view
        b = arrays.get("before")
        self.before.setData([], []) if b is None else self.before.setData(b[:, 0], b[:, 1])
        self._legend_entry(self.before, "G(z) before the last step", b is not None)
        s = arrays["samples"]
        self.samples.setData(s[:, 0], s[:, 1])
        g = arrays["grid"]
        self.grid_lines.setData([], []) if g is None else self.grid_lines.setData(g[:, 0], g[:, 1])
        self._legend_entry(self.grid_lines, "G of a grid of noise z", g is not None)
        self.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        self.repaint()
        self.redraw_ms = (time.perf_counter() - t) * 1000

    def clear_view(self) -> None:
        for item in (self.real, self.before, self.samples, self.grid_lines):
            item.setData([], [])
        self._real_of = None
        for img in (self.heat, self.density):
            img.clear()

    def _legend_entry(self, item, label: str, show: bool) -> None:
        present = any(sample.item is item for sample, _ in self.legend.items)
        if show and not present:
            self.legend.addItem(item, label)
        elif present and not show:
            self.legend.removeItem(item)


class GanPanel(QtWidgets.QWidget):
    step_requested = QtCore.Signal(str)        # "d", "g" or "all"
    new_run_requested = QtCore.Signal(dict)    # model setting overrides for a new run from this one
    alert_clicked = QtCore.Signal(int)         # step

    def __init__(self, parent=None):
        super().__init__(parent)
        from ..jobs import Jobs

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
        self.compare_history = None
        self._drawn_version = None
        self._alert_key = None
        self._undefined: set = set()   # coverage keys the run logs as null (see _note_undefined)
        self._scanned = 0              # records of the context's follower looked at for them

        # left: the toy view, or the label heat map for image GANs
        self.toy_plot = ToyView()
        self.toy_caption = QtWidgets.QLabel(
            "Background: the discriminator's output D(x) at each point (red: D believes real data lies "
            "there, blue: fake). Black: real data. Green: the generator's samples G(z). Thin lines: a "
            "regular grid of noise z after G, showing how G stretches the noise onto the data.")
        self.toy_caption.setWordWrap(True)
        self.toy_caption.setStyleSheet("color: #555;")
        self.toy_status = QtWidgets.QLabel("")
        self.toy_status.setWordWrap(True)
        self.labels_plot = pg.PlotWidget(background="w", title="classifier's labels of generated samples")
        self.labels_img = pg.ImageItem(axisOrder="row-major")
        self.labels_img.setLookupTable(pg.colormap.get("viridis").getLookupTable(nPts=256))
        self.labels_plot.addItem(self.labels_img)
        self.labels_plot.setLabel("left", "class")
        self.labels_plot.setLabel("bottom", "evaluation")
        self.left = QtWidgets.QStackedWidget()
        toy_box = QtWidgets.QWidget()
        tl = QtWidgets.QVBoxLayout(toy_box)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.toy_status)
        tl.addWidget(self.toy_plot, 1)
        tl.addWidget(self.toy_caption)
        self.left.addWidget(toy_box)
        labels_box = QtWidgets.QWidget()
        lb = QtWidgets.QVBoxLayout(labels_box)
        lb.setContentsMargins(0, 0, 0, 0)
        lb.addWidget(self.labels_plot, 1)
        labels_caption = QtWidgets.QLabel("One column per evaluation; the brighter a cell, the larger the share of "
                                          "generated samples the classifier labels as that class. A collapsing "
                                          "G piles onto a few rows.")
        labels_caption.setWordWrap(True)
        labels_caption.setStyleSheet("color: #555;")
        lb.addWidget(labels_caption)
        self.left.addWidget(labels_box)

        # step mode
        self.step_d = QtWidgets.QPushButton("Step D")
        self.step_g = QtWidgets.QPushButton("Step G")
        self.step_both = QtWidgets.QPushButton("Step both")
        for b, which, tip in ((self.step_d, "d", "One discriminator step, then pause"),
                              (self.step_g, "g", "One generator step, then pause"),
                              (self.step_both, "all", "One step of each, then pause")):
            b.setToolTip(tip)
            b.clicked.connect(lambda _=False, w=which: self.step_requested.emit(w))
        steps = QtWidgets.QHBoxLayout()
        steps.addWidget(QtWidgets.QLabel("Step mode:"))
        for b in (self.step_d, self.step_g, self.step_both):
            steps.addWidget(b)
        self.step_hint = QtWidgets.QLabel("")
        self.step_hint.setStyleSheet("color: #777;")
        steps.addWidget(self.step_hint, 1)

        # right: coverage curves, alerts, mitigations
        self.coverage = pg.GraphicsLayoutWidget()
        self.coverage.setBackground("w")
        self.alerts = QtWidgets.QListWidget()
        self.alerts.setMaximumHeight(90)
        self.alerts.setWordWrap(True)       # an alert's message is a sentence: show all of it
        self.alerts.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarAlwaysOff)
        self.alerts.itemClicked.connect(self._alert_item_clicked)
        self.summary = QtWidgets.QLabel("")
        self.summary.setWordWrap(True)
        self.compare = QtWidgets.QComboBox()
        self.compare.setToolTip("Another run's coverage, dashed, beside this one's")
        self.compare.currentIndexChanged.connect(self._compare_chosen)
        fix = QtWidgets.QGroupBox("Try a fix: a new run from this one with")
        self.pack = QtWidgets.QSpinBox()
        self.pack.setRange(1, 4)
        self.pack.setPrefix("packing m = ")
        self.mbstd = QtWidgets.QCheckBox("minibatch-std")
        self.smooth = QtWidgets.QDoubleSpinBox()
        self.smooth.setRange(0, 0.5)
        self.smooth.setSingleStep(0.05)
        self.smooth.setPrefix("label smoothing ")
        self.lr_d = QtWidgets.QLineEdit()
        self.lr_d.setPlaceholderText("D lr (same)")
        self.lr_g = QtWidgets.QLineEdit()
        self.lr_g.setPlaceholderText("G lr (same)")
        go = QtWidgets.QPushButton("Train it")
        go.clicked.connect(self._new_run)
        fl = QtWidgets.QGridLayout(fix)
        fl.addWidget(self.pack, 0, 0)
        fl.addWidget(self.mbstd, 0, 1)
        fl.addWidget(self.smooth, 1, 0)
        fl.addWidget(self.lr_d, 2, 0)
        fl.addWidget(self.lr_g, 2, 1)
        fl.addWidget(go, 1, 1)
        right = QtWidgets.QVBoxLayout()
        cmp_row = QtWidgets.QHBoxLayout()
        cmp_row.addWidget(QtWidgets.QLabel("Compare with"))
        cmp_row.addWidget(self.compare, 1)
        right.addWidget(self.summary)
        right.addWidget(self.coverage, 1)
        losses_hint = QtWidgets.QLabel("G's and D's losses, mean D(x) and D(G(z)) and both gradient norms are "
                                       "on the Losses tab. Red dotted lines, there and here, mark alerts.")
        losses_hint.setWordWrap(True)
        losses_hint.setStyleSheet("color: #777;")
        right.addWidget(losses_hint)
        right.addLayout(cmp_row)
        right.addWidget(QtWidgets.QLabel("<b>Alerts</b> (click to see the samples at that step)"))
        right.addWidget(self.alerts)
        right.addWidget(fix)
        right_w = QtWidgets.QWidget()
        right_w.setLayout(right)
        left_w = QtWidgets.QWidget()
        ll = QtWidgets.QVBoxLayout(left_w)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.left, 1)
        ll.addLayout(steps)
        split = QtWidgets.QSplitter()
        split.addWidget(left_w)
        split.addWidget(right_w)
        split.setSizes([500, 400])
        self.placeholder = placeholder("The GAN monitor is for adversarial runs (gan, dcgan, cgan).")
        self.stack = placeholder_stack(self.placeholder, split)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.stack)
        self.curves: dict = {}
        self.thresholds: dict = {}
        self.set_stepping_enabled(False)

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
            self.toy_status.setText("Loading the dataset…")
            self.jobs.submit("view", lambda ctx=context: _core_toy_view(ctx),
                             lambda view, ctx=context: self._view_ready(ctx, view),
                             lambda message: self.toy_status.setText(f"Toy view: {message}"))
        self.left.setCurrentIndex(0 if self.kind == "points" else 1)
        mc = self.model_cfg
        self.pack.setValue(max(2, mc.pack) if mc.pack == 1 else mc.pack)
        self.mbstd.setChecked(mc.minibatch_std)
        self.compare.blockSignals(True)
        self.compare.clear()
        self.compare.addItem("(none)", None)
        for path, label in runs:
            if path != str(context.path):
                self.compare.addItem(label, path)
        self.compare.blockSignals(False)
        self._build_coverage()
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
        self.step_hint.setText("one step, then the run pauses" if on
                               else "(available while this run trains here)")

    def model_from_state(self, state: dict):
        """A new model (never an in-place load: a background job may be drawing the old one)
        holding a WeightsSnapshot's arrays, in eval mode like a loaded checkpoint."""
        import torch
        from models import build_model

        model = build_model(self.model_cfg)
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
            self.toy_status.setText("Waiting for the trainer's first weights…")
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
            what = {"d": "one D step", "g": "one G step", "all": "one step of D and of G"}.get(note)
            self.toy_status.setText(f"<b>G and D at step {step:,}</b>" + (
                f": after {what} (grey dots: G(z) before it)" if what else ""))

        self.jobs.submit("toy", lambda: toy_arrays(view, model, before), done,
                         lambda message: self.toy_status.setText(f"Toy view: {message}"))

    @property
    def busy(self) -> bool:
        return self.jobs.busy("toy") or self.jobs.busy("view")

    # -- coverage over training -------------------------------------------------------------
    def _build_coverage(self) -> None:
        self.coverage.clear()
        self.curves, self.thresholds = {}, {}
        for i, (key, title) in enumerate(COVERAGE_KEYS[self.kind]):
            plot = self.coverage.addPlot(row=i, col=0)
            plot.setTitle(title, size="9pt")
            plot.setLabel("bottom", "step") if i == len(COVERAGE_KEYS[self.kind]) - 1 else None
            plot.getAxis("left").setWidth(44)
            plot.setMenuEnabled(False)
            ours = plot.plot(pen=pg.mkPen("#1f77b4", width=2), symbol="o", symbolSize=4, symbolBrush="#1f77b4")
            theirs = plot.plot(pen=pg.mkPen("#7f7f7f", width=1.5, style=QtCore.Qt.DashLine))
            self.curves[key] = (plot, ours, theirs, [])
            if key in ALERT_SIGNALS:
                line = pg.InfiniteLine(angle=0, pen=pg.mkPen("#b3261e", width=1, style=QtCore.Qt.DashLine),
                                       label="alert threshold", labelOpts={"position": 0.98, "color": "#b3261e",
                                                                           "anchors": [(1, 0), (1, 0)]})
                line.setVisible(False)
                plot.addItem(line, ignoreBounds=True)
                self.thresholds[key] = line

    def refresh(self, force: bool = False) -> None:
        """Redraw from the run's metrics (called on the window's follow timer)."""
        ctx = self.context
        if ctx is None or not self.curves:
            return
        h = ctx.history
        if not force and (h.version == self._drawn_version or not self.isVisible()):
            return   # nothing new, or another tab is in front: showEvent catches up
        self._drawn_version = h.version
        titles = dict(COVERAGE_KEYS[self.kind])
        self._note_undefined(ctx, titles)
        for key, (plot, ours, theirs, marks) in self.curves.items():
            s = h.epoch_series.get(key)
            ours.setData(s.x, s.y) if s is not None and len(s) else ours.setData([], [])
            if key in h.epoch_series or not any(k in h.epoch_series for k in titles):
                title = titles[key]
            elif key in self._undefined:   # e.g. reverse KL while no sample lands near a mode
                title = titles[key] + " (undefined so far)"
            else:                          # an older run may log some of the signals only
                title = titles[key] + " (not logged)"
            if plot.titleLabel.text != title:
                plot.setTitle(title, size="9pt")
            other = self.compare_history.epoch_series.get(key) if self.compare_history else None
            theirs.setData(other.x, other.y) if other is not None and len(other) else theirs.setData([], [])
        self._place_thresholds(ctx)
        self._alerts(ctx)
        self._labels_heatmap(ctx)
        self._summary(ctx)

    def _note_undefined(self, ctx, titles) -> None:
        """Coverage keys that evaluations log as null (a value that is not defined yet, such
        as the reverse KL over modes before any sample lands near one): the history keeps
        numbers only, so such a curve is empty although the run does log it."""
        records = ctx.follower.records
        if self._scanned > len(records):   # the follower started over
            self._scanned = 0
        for r in records[self._scanned:]:
            if r.get("kind") in ("epoch", "eval"):
                self._undefined.update(k for k in titles if k in r and r[k] is None)
        self._scanned = len(records)

    def showEvent(self, e):
        super().showEvent(e)
        self.refresh()

    def _place_thresholds(self, ctx) -> None:
        """Where the run's alert rules draw the line (alerts.py: below it for a sustained stretch)."""
        tc, last = self.train_cfg, ctx.last_metrics
        if tc is None:
            return
        at = {"modes_captured": tc.alert_coverage * last["n_modes"] if "n_modes" in last else None,
              "classes_covered": tc.alert_coverage * self.model_cfg.n_classes if self.model_cfg.n_classes else None,
              "diversity_ratio": tc.alert_diversity}
        counts = {"modes_captured": last.get("n_modes"), "classes_covered": self.model_cfg.n_classes}
        for key, line in self.thresholds.items():
            if at.get(key) is not None:
                line.setValue(at[key])
                line.setVisible(True)
            if counts.get(key):   # a count out of n: the whole range, so the threshold sits where it means
                self.curves[key][0].setYRange(0, counts[key], padding=0.08)

    def _alerts(self, ctx) -> None:
        """The run's alerts, listed and marked on every coverage plot (only when they change)."""
        alerts = list(ctx.history.alerts)
        if alerts == self._alert_key:
            return
        self._alert_key = alerts
        self.alerts.clear()
        for step, message in alerts:
            item = QtWidgets.QListWidgetItem(f"step {step:,}: {message}")
            item.setData(QtCore.Qt.UserRole, int(step))
            item.setForeground(pg.mkColor("#b3261e"))
            item.setToolTip("Click to show the sample timeline at this step")
            self.alerts.addItem(item)
        if not alerts:
            item = QtWidgets.QListWidgetItem("none so far")
            item.setFlags(QtCore.Qt.NoItemFlags)
            item.setData(QtCore.Qt.UserRole, None)
            self.alerts.addItem(item)
        for key, (plot, _, _, marks) in self.curves.items():
            while marks:
                plot.removeItem(marks.pop())
            for step, message in alerts:
                line = pg.InfiniteLine(pos=step, angle=90, pen=pg.mkPen("#b3261e", width=1.5,
                                                                       style=QtCore.Qt.DotLine))
                line.setToolTip(f"step {step:,}: {message}")
                plot.addItem(line, ignoreBounds=True)
                marks.append(line)

    def _labels_heatmap(self, ctx) -> None:
        if self.kind != "image":
            return
        hists = [r["label_hist"] for r in ctx.follower.records
                 if r.get("kind") in ("epoch", "eval") and isinstance(r.get("label_hist"), list)]
        if not hists:
            return
        m = np.array(hists, np.float32).T          # class x evaluation
        m = m / np.maximum(m.sum(0, keepdims=True), 1)
        self.labels_img.setImage(m, levels=(0, max(0.2, float(m.max()))))
        self.labels_img.setRect(QtCore.QRectF(0, -0.5, m.shape[1], m.shape[0]))

    def _summary(self, ctx) -> None:
        last = ctx.last_metrics
        n = self.train_cfg.n_eval_samples if self.train_cfg is not None else 2500
        if self.kind == "points" and "modes_captured" in last:
            self.summary.setText(
                f"<b>Step {last.get('step', 0):,.0f}: {last['modes_captured']:.0f} of {last.get('n_modes', '?')} "
                f"modes captured</b>, {100 * last.get('hq_fraction', 0):.0f}% of samples high-quality "
                f"(within 3σ of a mode). A mode is captured when at least one of {n:,} generated samples "
                f"lands within 3σ of it.")
        elif "classes_covered" in last:
            self.summary.setText(f"<b>Step {last.get('step', 0):,.0f}: {last['classes_covered']:.0f} classes "
                                 f"covered</b>, label entropy {last.get('label_entropy', float('nan')):.2f} nats "
                                 f"(the classifier's labels of generated samples).")
        else:
            tc = self.train_cfg
            when = (f"every {tc.eval_every:,} steps" if tc is not None and tc.eval_every
                    else "at the end of each epoch")
            self.summary.setText(f"No coverage measured yet: the run measures it {when}.")

    def _alert_item_clicked(self, item) -> None:
        step = item.data(QtCore.Qt.UserRole)
        if step is not None:
            self.alert_clicked.emit(int(step))

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
                    self.summary.setText(f"{key}: type a number such as 1e-4")
                    return
        self.new_run_requested.emit({"model": over, "train": train})
