"""GAN monitor: see collapse as it begins, understand why, try a fix.

- Toy data (ring8, grid25, moons, spiral), in the spirit of GAN Lab on the user's
  own model: the real density, D's output as a heat map behind it, the current
  generated samples, and how G deforms a grid of noise. While the run trains the
  window asks the trainer for a copy of the weights a few times a second (plain
  CPU arrays, explorer.core.events.WeightsSnapshot) and redraws.
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

from .latent_map_panel import category_colours

COVERAGE_KEYS = {
    "points": (("modes_captured", "modes captured"), ("hq_fraction", "high-quality samples"),
               ("reverse_kl", "reverse KL over modes")),
    "image": (("classes_covered", "classes covered"), ("label_entropy", "label entropy"),
              ("diversity_ratio", "diversity (generated / real)"), ("near_duplicates", "near-duplicates")),
}
SNAPSHOT_MS = 400     # ask for fresh weights this often while a toy GAN trains


def toy_arrays(view, model) -> dict:
    """Everything the toy view draws, computed from the model (off the GUI thread: G on
    2,500 samples and D on the heat-map grid are ~2 GFLOP for PacGAN's 4x400 G)."""
    out = {"heat": view.heatmap(model), "samples": view.samples(model), "grid": None}
    if model.latent.dim == 2:
        g = view.noise_grid(model)
        rows = [np.vstack([line, [np.nan, np.nan]]) for line in g]
        cols = [np.vstack([g[:, j], [np.nan, np.nan]]) for j in range(g.shape[1])]
        out["grid"] = np.vstack(rows + cols)
    return out


class ToyView(pg.PlotWidget):
    def __init__(self):
        super().__init__(background="w")
        self.setAspectLocked(True)
        self.heat = pg.ImageItem(axisOrder="row-major")
        self.heat.setLookupTable(pg.colormap.get("CET-D1").getLookupTable(nPts=256))
        self.heat.setOpacity(0.55)
        self.density = pg.ImageItem(axisOrder="row-major")
        self.density.setOpacity(0.8)
        lut = np.zeros((256, 4), np.uint8)
        lut[:, 3] = np.linspace(0, 255, 256).astype(np.uint8)   # black, alpha by density
        self.density.setLookupTable(lut)
        self.before = pg.ScatterPlotItem(size=3, pen=None, brush=pg.mkBrush(120, 120, 120, 90))
        self.samples = pg.ScatterPlotItem(size=3, pen=None, brush=pg.mkBrush(214, 39, 40, 150))
        self.grid_lines = pg.PlotDataItem(pen=pg.mkPen(40, 40, 40, 110, width=1), connect="finite")
        for z, item in enumerate((self.heat, self.density, self.grid_lines, self.before, self.samples)):
            item.setZValue(z)
            self.addItem(item)
        self.legend = pg.LegendItem(offset=(10, 10), labelTextSize="8pt")
        self.legend.setParentItem(self.getPlotItem().vb)
        self.legend.addItem(self.samples, "G(z): generated")
        self.legend.addItem(self.before, "before the last step")
        self.legend.addItem(self.grid_lines, "G of a grid of z")
        self.redraw_ms = 0.0

    def draw(self, view, arrays: dict, keep_before: bool = False) -> None:
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
        if keep_before:
            x, y = self.samples.getData()
            self.before.setData(x, y)
        else:
            self.before.setData([], [])
        s = arrays["samples"]
        self.samples.setData(s[:, 0], s[:, 1])
        g = arrays["grid"]
        self.grid_lines.setData([], []) if g is None else self.grid_lines.setData(g[:, 0], g[:, 1])
        self.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        self.repaint()
        self.redraw_ms = (time.perf_counter() - t) * 1000


class GanPanel(QtWidgets.QWidget):
    step_requested = QtCore.Signal(str)        # "d", "g" or "all"
    new_run_requested = QtCore.Signal(dict)    # model setting overrides for a new run from this one
    alert_clicked = QtCore.Signal(int)         # step

    def __init__(self, parent=None):
        super().__init__(parent)
        from ..jobs import Jobs

        self.jobs = Jobs(self)
        self.context = None
        self.toy = None           # explorer.core.toy_view.ToyView
        self.kind = None          # "points" | "image"
        self.compare_history = None
        self._drawn_version = None

        # left: the toy view, or the label heat map for image GANs
        self.toy_plot = ToyView()
        self.toy_caption = QtWidgets.QLabel("Background: D(x), blue = fake, red = real. Black: the real "
                                            "density. Red dots: G(z). Grey lines: where G sends a grid of noise.")
        self.toy_caption.setWordWrap(True)
        self.toy_caption.setStyleSheet("color: #555;")
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
        tl.addWidget(self.toy_plot, 1)
        tl.addWidget(self.toy_caption)
        self.left.addWidget(toy_box)
        self.left.addWidget(self.labels_plot)

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
        steps.addStretch(1)

        # right: coverage curves, alerts, mitigations
        self.coverage = pg.GraphicsLayoutWidget()
        self.coverage.setBackground("w")
        self.alerts = QtWidgets.QListWidget()
        self.alerts.setMaximumHeight(90)
        self.alerts.itemClicked.connect(lambda item: self.alert_clicked.emit(item.data(QtCore.Qt.UserRole)))
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
        self.placeholder = QtWidgets.QLabel("The GAN monitor is for adversarial runs (gan, dcgan, cgan).")
        self.placeholder.setAlignment(QtCore.Qt.AlignCenter)
        self.placeholder.setStyleSheet("color: #777;")
        self.stack = QtWidgets.QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(split)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.stack)
        self.curves: dict = {}
        self.set_stepping_enabled(False)

    # -- the run --------------------------------------------------------------------------
    def set_context(self, context, runs: list[tuple[str, str]] = ()) -> None:
        """`runs`: (path, label) of other runs that could be compared."""
        from models import ADVERSARIAL

        self.context = context
        model = None if context is None or context.loaded is None else context.loaded.model
        is_gan = model is not None and ADVERSARIAL in model.capabilities
        self.stack.setCurrentIndex(1 if is_gan else 0)
        self.toy = None
        self.compare_history = None
        if not is_gan:
            return
        self.kind = context.model_cfg.data_kind
        if self.kind == "points":
            from explorer.core.toy_view import ToyView as CoreToyView
            self.toy = CoreToyView(context.data())
        self.left.setCurrentIndex(0 if self.kind == "points" else 1)
        mc = context.model_cfg
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
        self.redraw_toy()

    def set_stepping_enabled(self, on: bool) -> None:
        for b in (self.step_d, self.step_g, self.step_both):
            b.setEnabled(on)

    def redraw_toy(self, keep_before: bool = False) -> None:
        """Compute the view from the current weights in the background, then draw it."""
        ctx = self.context
        if self.toy is None or ctx is None or ctx.loaded is None:
            return
        view, model = self.toy, ctx.loaded.model
        self.jobs.submit("toy", lambda: toy_arrays(view, model),
                         lambda arrays: self.toy_plot.draw(view, arrays, keep_before) if view is self.toy else None,
                         lambda message: self.summary.setText(f"Toy view: {message}"))

    @property
    def busy(self) -> bool:
        return self.jobs.busy("toy")

    # -- coverage over training -------------------------------------------------------------
    def _build_coverage(self) -> None:
        self.coverage.clear()
        self.curves = {}
        for i, (key, title) in enumerate(COVERAGE_KEYS[self.kind]):
            plot = self.coverage.addPlot(row=i, col=0, title=title)
            plot.setLabel("bottom", "step") if i == len(COVERAGE_KEYS[self.kind]) - 1 else None
            plot.getAxis("left").setWidth(44)
            ours = plot.plot(pen=pg.mkPen("#1f77b4", width=2), symbol="o", symbolSize=4, symbolBrush="#1f77b4")
            theirs = plot.plot(pen=pg.mkPen("#7f7f7f", width=1.5, style=QtCore.Qt.DashLine))
            self.curves[key] = (plot, ours, theirs, [])

    def refresh(self, force: bool = False) -> None:
        """Redraw from the run's metrics (called on the window's follow timer)."""
        ctx = self.context
        if ctx is None or not self.curves:
            return
        h = ctx.history
        if not force and h.version == self._drawn_version:
            return
        self._drawn_version = h.version
        for key, (plot, ours, theirs, marks) in self.curves.items():
            s = h.epoch_series.get(key)
            ours.setData(s.x, s.y) if s is not None and len(s) else ours.setData([], [])
            other = self.compare_history.epoch_series.get(key) if self.compare_history else None
            theirs.setData(other.x, other.y) if other is not None and len(other) else theirs.setData([], [])
        self._alerts(ctx)
        self._labels_heatmap(ctx)
        self._summary(ctx)

    def _alerts(self, ctx) -> None:
        alerts = [r for r in ctx.follower.records if r.get("kind") == "alert"]
        if self.alerts.count() != len(alerts):
            self.alerts.clear()
            for r in alerts:
                item = QtWidgets.QListWidgetItem(f"step {r['step']}: {r.get('message', 'alert')}")
                item.setData(QtCore.Qt.UserRole, int(r["step"]))
                item.setForeground(pg.mkColor("#b3261e"))
                self.alerts.addItem(item)
        for key, (plot, _, _, marks) in self.curves.items():
            while marks:
                plot.removeItem(marks.pop())
            for r in alerts:
                line = pg.InfiniteLine(pos=r["step"], angle=90, pen=pg.mkPen("#b3261e", width=1.5))
                plot.addItem(line)
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
        if self.kind == "points" and "modes_captured" in last:
            self.summary.setText(f"Now: {last['modes_captured']:.0f}/{last.get('n_modes', '?')} modes, "
                                 f"{100 * last.get('hq_fraction', 0):.0f}% high-quality samples "
                                 f"(within 3σ of a mode).")
        elif "classes_covered" in last:
            self.summary.setText(f"Now: {last['classes_covered']:.0f} classes covered, label entropy "
                                 f"{last.get('label_entropy', float('nan')):.2f} nats.")

    def _compare_chosen(self) -> None:
        from explorer.core.follow import RunFollower
        from explorer.core.history import LossHistory

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
