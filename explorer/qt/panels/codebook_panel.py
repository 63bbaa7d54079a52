"""Codebook: how much of a VQ-VAE's codebook is really used, and what the codes mean.

- Usage histogram, live while training: every code's uses so far this epoch (the
  trainer's "usage" records), most used first, dead codes marked in red; log scale
  as an option. One BarGraphItem with a single brush (the dead codes are marked by a
  red bar along the axis, not by per-bar brushes): at K = 8,192 it redraws in a few
  ms (`python main.py bench codebook histogram` measures it beside per-bar brushes).
- Perplexity and codes used per epoch (over all of the epoch's assignments).
- "Restart dead codes now", beside the automatic restart setting of the live run.
- Code map: a chosen input's grid of code indices, its reconstruction, and the grid
  decoded again after the user changes a cell; a click on a cell (or on a code in the
  codebook map, or on a bar) shows how often that code is used and the images that
  use it most.
- The codebook as a 2-D map (PCA of the K code vectors), sized by use.
- A PixelCNN prior over the codes: trained from here (a new run), sampled here.

Model work (encoding a split, mapping the codebook, sampling the prior) runs in
background jobs; re-decoding one edited grid is about a millisecond and runs at once.
"""
from __future__ import annotations

import threading
import time

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ..palette import (ACCENT, DEAD_CODE, GUIDE, INK, OUTLINE, PAPER, SELECTION, TEXT_FAINT, TEXT_MUTED,
                       code_colours, with_alpha)
from ..widgets import ScaledImage, caption, placeholder, placeholder_stack, rgb_pixmap

TOP_IMAGES = 16
PRIOR_SAMPLES = 36


class UsageHistogram(pg.PlotWidget):
    """Codes sorted by use, a bar each; the dead ones under a red bar on the axis."""
    code_clicked = QtCore.Signal(int)

    def __init__(self):
        super().__init__(background=PAPER)
        self.setMouseEnabled(x=True, y=False)
        self.curve = pg.BarGraphItem(x0=np.zeros(0), height=np.zeros(0), width=1.0, pen=None,
                                     brush=pg.mkBrush(with_alpha(ACCENT, 200)))
        self.dead = pg.PlotDataItem(pen=pg.mkPen(DEAD_CODE, width=6))
        self.dead_label = pg.TextItem(color=DEAD_CODE, anchor=(1, 1))
        self.selected = pg.InfiniteLine(angle=90, pen=pg.mkPen(SELECTION, width=2))
        self.selected.hide()
        for item in (self.curve, self.dead, self.dead_label, self.selected):
            self.addItem(item)
        self.setLabel("bottom", "codes, most used first")
        self.order = np.zeros(0, np.int64)   # order[x] = the code drawn at x
        self.counts = np.zeros(0, np.int64)
        self.log = False
        self.redraw_ms = 0.0
        self.scene().sigMouseClicked.connect(self._clicked)

    def set_usage(self, counts, log: bool | None = None, dead_word: str = "dead") -> None:
        t = time.perf_counter()
        if log is not None:
            self.log = log
        c = np.asarray(counts, np.int64).ravel()
        self.counts = c
        self.order = np.argsort(-c, kind="stable")
        ys = c[self.order].astype(np.float64)
        K = len(c)
        used = int((c > 0).sum())
        if self.log:
            ys = np.log10(1 + ys)
        self.setLabel("left", "log₁₀(1 + uses)" if self.log else "uses")
        self.curve.setOpts(x0=np.arange(K, dtype=np.float64), height=ys, width=0.9 if K <= 256 else 1.0)
        top = float(ys.max()) if K and ys.max() > 0 else 1.0
        if used < K:
            self.dead.setData([used, K], [0, 0])
            self.dead_label.setText(f"{K - used} {dead_word}")
            self.dead_label.setPos(K, 0.12 * top)
            self.dead_label.show()
        else:
            self.dead.setData([], [])
            self.dead_label.hide()
        self.setXRange(0, max(K, 1), padding=0.01)
        self.setYRange(0, top, padding=0.05)
        self.repaint()
        self.redraw_ms = (time.perf_counter() - t) * 1000

    def mark(self, code: int | None) -> None:
        if code is None or not len(self.order):
            self.selected.hide()
            return
        x = int(np.flatnonzero(self.order == code)[0]) if code < len(self.order) else -1
        self.selected.setPos(x + 0.5)
        self.selected.show()

    def _clicked(self, ev) -> None:
        if not len(self.order) or ev.button() != QtCore.Qt.LeftButton:
            return
        p = self.getPlotItem().vb.mapSceneToView(ev.scenePos())
        x = int(np.floor(p.x()))
        if 0 <= x < len(self.order):
            self.code_clicked.emit(int(self.order[x]))


class CodeGridView(pg.GraphicsLayoutWidget):
    """One input's code grid, a coloured cell per position with its index written in it."""
    cell_clicked = QtCore.Signal(int, int)

    def __init__(self):
        super().__init__()
        self.setBackground(PAPER)
        self.vb = self.addViewBox(lockAspect=True, invertY=True, enableMouse=False)
        self.img = pg.ImageItem(axisOrder="row-major")
        self.vb.addItem(self.img)
        self.box = QtWidgets.QGraphicsRectItem(0, 0, 1, 1)
        self.box.setPen(pg.mkPen(INK, width=3))
        self.box.setZValue(5)
        self.box.hide()
        self.vb.addItem(self.box)
        self.texts: list = []
        self.grid = None
        self.colours = None
        self.scene().sigMouseClicked.connect(self._clicked)

    def set_grid(self, grid: np.ndarray, colours: np.ndarray, changed: np.ndarray | None = None) -> None:
        grid = np.asarray(grid)
        self.grid, self.colours = grid, colours
        rgb = colours[grid]
        if changed is not None and changed.any():   # edited cells: a white inner frame would hide the
            rgb = rgb.copy()                          # colour; brighten them instead
            rgb[changed] = (0.5 * rgb[changed] + 127).astype(np.uint8)
        self.img.setImage(rgb, levels=(0, 255))
        h, w = grid.shape
        while len(self.texts) > h * w:
            self.vb.removeItem(self.texts.pop())
        while len(self.texts) < h * w:
            t = pg.TextItem(color=PAPER, anchor=(0.5, 0.5))
            font = t.textItem.font()
            font.setPointSize(7)
            t.setFont(font)
            t.setZValue(4)
            self.vb.addItem(t)
            self.texts.append(t)
        small = h * w > 100 or int(grid.max(initial=0)) >= 1000
        for k, t in enumerate(self.texts):
            i, j = divmod(k, w)
            t.setText("" if small else str(int(grid[i, j])))
            t.setPos(j + 0.5, i + 0.5)
        self.vb.setRange(QtCore.QRectF(0, 0, w, h), padding=0.02)
        self._fit_labels()

    def _fit_labels(self) -> None:
        """Indices are written in the cells only while a cell is wide enough to hold one."""
        if getattr(self, "grid", None) is None:   # resizeEvent comes before __init__ ends
            return
        h, w = self.grid.shape
        cell = min(self.width() / max(w, 1), self.height() / max(h, 1))
        digits = len(str(int(self.grid.max(initial=0))))
        show = cell >= 7 * digits + 4
        for t in self.texts:
            t.setVisible(show)

    def resizeEvent(self, e):
        super().resizeEvent(e)
        self._fit_labels()

    def select(self, row: int | None, col: int | None = None) -> None:
        if row is None:
            self.box.hide()
        else:
            self.box.setRect(col, row, 1, 1)
            self.box.show()

    def _clicked(self, ev) -> None:
        if self.grid is None or ev.button() != QtCore.Qt.LeftButton:
            return
        p = self.vb.mapSceneToView(ev.scenePos())
        row, col = int(np.floor(p.y())), int(np.floor(p.x()))
        h, w = self.grid.shape
        if 0 <= row < h and 0 <= col < w:
            self.cell_clicked.emit(row, col)


class CodebookPanel(QtWidgets.QWidget):
    restart_requested = QtCore.Signal()
    auto_restart_changed = QtCore.Signal(bool)
    train_prior_requested = QtCore.Signal(dict)    # {"epochs": n, "conditional": bool}

    def __init__(self, parent=None):
        super().__init__(parent)
        from ..jobs import Jobs

        self.jobs = Jobs(self)
        self.context = None
        self.vq = None             # the VQ-VAE (itself, or the one inside a PixelCNN run)
        self.prior = None          # the PixelCNN, for a prior run
        self.grids = None          # explorer.core.codebook.usage.CodeGrids of the training split
        self.editor = None         # explorer.core.codebook.usage.CodeEditor of the chosen input
        self.cb_map = None         # explorer.core.codebook.usage.CodebookMap
        self.colours = None
        self.code = None           # the code whose uses are shown
        self.cell = None           # (row, col) chosen in the grid
        self._usage_step = None    # step of the usage record drawn
        self._drawn_version = None
        self._live = False

        # -- usage --------------------------------------------------------------------------
        self.usage_title = QtWidgets.QLabel("")
        self.usage_title.setWordWrap(True)
        # three lines kept: with the curves hidden (a prior's run) the layout gave it one, cut off
        self.usage_title.setMinimumHeight(3 * self.usage_title.fontMetrics().lineSpacing())
        self.hist = UsageHistogram()
        self.log_scale = QtWidgets.QCheckBox("log scale")
        self.auto_restart = QtWidgets.QCheckBox("restart dead codes automatically")
        self.auto_restart.setToolTip("Codes unused for a while are re-seeded from current encoder outputs.\n"
                                     "Changes the training run for the rest of this session; set it for a\n"
                                     "new run in the New run dialog or with train --no-restarts.")
        self.restart_now = QtWidgets.QPushButton("Restart dead codes now")
        self.restart_now.setToolTip("Re-seed every code unused so far this epoch from current encoder outputs")
        self.curves = pg.GraphicsLayoutWidget()
        self.curves.setBackground(PAPER)
        self.perplexity_plot = self.curves.addPlot(row=0, col=0, title="perplexity (per epoch)")
        self.used_plot = self.curves.addPlot(row=0, col=1, title="codes used (per epoch)")
        self.perplexity_plot.setLabel("bottom", "step")
        self.used_plot.setLabel("bottom", "step")
        self.perplexity_curve = self.perplexity_plot.plot(pen=pg.mkPen(ACCENT, width=2), symbol="o", symbolSize=4,
                                                          symbolBrush=ACCENT)
        self.used_curve = self.used_plot.plot(pen=pg.mkPen(ACCENT, width=2), symbol="o", symbolSize=4,
                                              symbolBrush=ACCENT)
        self.k_line = pg.InfiniteLine(angle=0, pen=pg.mkPen(GUIDE, style=QtCore.Qt.DashLine),
                                      label="K", labelOpts={"position": 0.05, "color": TEXT_FAINT})
        self.used_plot.addItem(self.k_line)
        for p in (self.perplexity_plot, self.used_plot):
            p.getAxis("left").setWidth(44)
        controls = QtWidgets.QHBoxLayout()
        controls.addWidget(self.log_scale)
        controls.addStretch(1)
        controls.addWidget(self.auto_restart)
        controls.addWidget(self.restart_now)
        usage_box = QtWidgets.QGroupBox("Codebook usage")
        ul = QtWidgets.QVBoxLayout(usage_box)
        ul.addWidget(self.usage_title)
        ul.addWidget(self.hist, 3)
        ul.addLayout(controls)
        ul.addWidget(self.curves, 2)

        # -- code map -----------------------------------------------------------------------
        self.index = QtWidgets.QSpinBox()
        self.index.setPrefix("test image #")
        self.random = QtWidgets.QPushButton("Random")
        self.input_img = ScaledImage("input")
        self.grid_view = CodeGridView()
        self.recon_img = ScaledImage("reconstruction")
        self.edited_img = ScaledImage("after your edits")
        self.new_code = QtWidgets.QSpinBox()
        self.new_code.setPrefix("code ")
        self.put = QtWidgets.QPushButton("Put in cell")
        self.put.setToolTip("Replace the chosen cell's code and decode the grid again")
        self.reset = QtWidgets.QPushButton("Reset")
        self.cell_info = QtWidgets.QLabel("Click a cell of the grid, a bar of the histogram or a code on the map.")
        self.cell_info.setWordWrap(True)
        self.top_title = QtWidgets.QLabel("")
        self.top_img = ScaledImage("")
        self.top_img.setMinimumHeight(48)
        pick = QtWidgets.QHBoxLayout()
        pick.addWidget(self.index)
        pick.addWidget(self.random)
        pick.addStretch(1)
        pictures = QtWidgets.QGridLayout()
        for col, (w, title) in enumerate(((self.input_img, "input"), (self.grid_view, "its codes (click a cell)"),
                                          (self.recon_img, "reconstruction"), (self.edited_img, "decoded after edits"))):
            cap = QtWidgets.QLabel(title)
            cap.setAlignment(QtCore.Qt.AlignCenter)
            cap.setStyleSheet(f"color: {TEXT_MUTED};")
            pictures.addWidget(cap, 0, col)
            pictures.addWidget(w, 1, col)
            pictures.setColumnStretch(col, 2 if w is self.grid_view else 1)
        pictures.setRowStretch(1, 1)
        edit = QtWidgets.QHBoxLayout()
        edit.addWidget(QtWidgets.QLabel("Chosen cell:"))
        edit.addWidget(self.new_code)
        edit.addWidget(self.put)
        edit.addWidget(self.reset)
        edit.addStretch(1)
        map_box = QtWidgets.QGroupBox("Code map of one input")
        ml = QtWidgets.QVBoxLayout(map_box)
        ml.addLayout(pick)
        ml.addLayout(pictures, 3)
        ml.addLayout(edit)
        ml.addWidget(self.cell_info)
        ml.addWidget(self.top_title)
        ml.addWidget(self.top_img, 1)

        # -- codebook map -------------------------------------------------------------------
        self.cb_plot = pg.PlotWidget(background=PAPER)
        self.cb_plot.setAspectLocked(True)
        self.cb_plot.hideAxis("left")
        self.cb_plot.hideAxis("bottom")
        self.cb_scatter = pg.ScatterPlotItem(pxMode=True, hoverable=True, tip=None)
        self.cb_scatter.sigClicked.connect(self._code_point_clicked)
        self.cb_mark = pg.ScatterPlotItem(size=22, symbol="o", pen=pg.mkPen(SELECTION, width=3), brush=None)
        self.cb_plot.addItem(self.cb_scatter)
        self.cb_plot.addItem(self.cb_mark)
        cb_box = QtWidgets.QGroupBox("The codebook, PCA of the K code vectors (area ∝ use; red ✕: dead)")
        cl = QtWidgets.QVBoxLayout(cb_box)
        cl.addWidget(self.cb_plot)

        # -- PixelCNN prior ----------------------------------------------------------------
        self.prior_info = QtWidgets.QLabel("")
        self.prior_info.setWordWrap(True)
        self.prior_epochs = QtWidgets.QSpinBox()
        self.prior_epochs.setRange(1, 500)
        self.prior_epochs.setValue(10)
        self.prior_epochs.setSuffix(" epochs")
        self.prior_conditional = QtWidgets.QCheckBox("conditioned on the class")
        self.prior_conditional.setChecked(True)
        self.train_prior = QtWidgets.QPushButton("Train a PixelCNN prior")
        self.train_prior.setToolTip("A new run: a gated PixelCNN learns which codes follow which, so new\n"
                                    "code grids can be sampled and decoded into new images")
        self.prior_class = QtWidgets.QComboBox()
        self.prior_seed = QtWidgets.QSpinBox()
        self.prior_seed.setRange(0, 100_000)
        self.prior_seed.setPrefix("seed ")
        self.sample_prior = QtWidgets.QPushButton(f"Sample {PRIOR_SAMPLES}")
        self.prior_img = ScaledImage("")
        prior_box = QtWidgets.QGroupBox("PixelCNN prior over the codes")
        pl = QtWidgets.QGridLayout(prior_box)
        pl.addWidget(self.prior_info, 0, 0, 1, 4)
        pl.addWidget(self.prior_epochs, 1, 0)
        pl.addWidget(self.prior_conditional, 1, 1)
        pl.addWidget(self.train_prior, 1, 2, 1, 2)
        pl.addWidget(self.prior_class, 2, 0)
        pl.addWidget(self.prior_seed, 2, 1)
        pl.addWidget(self.sample_prior, 2, 2, 1, 2)
        pl.addWidget(self.prior_img, 3, 0, 1, 4)
        pl.setRowStretch(3, 1)

        left = QtWidgets.QSplitter(QtCore.Qt.Vertical)
        left.addWidget(usage_box)
        left.addWidget(cb_box)
        left.setSizes([500, 300])
        right = QtWidgets.QSplitter(QtCore.Qt.Vertical)
        right.addWidget(map_box)
        right.addWidget(prior_box)
        right.setSizes([520, 280])
        split = QtWidgets.QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([520, 480])
        self.placeholder = placeholder("The codebook panel is for VQ-VAE runs (vqvae) and PixelCNN priors "
                                       "over them.")
        self.stack = placeholder_stack(self.placeholder, split)
        self.message = caption("")
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.stack, 1)
        lay.addWidget(self.message)

        self.log_scale.toggled.connect(lambda on: self._draw_usage(force=True))
        self.restart_now.clicked.connect(self.restart_requested.emit)
        self.auto_restart.toggled.connect(self._auto_restart_toggled)
        self.hist.code_clicked.connect(self.show_code)
        self.grid_view.cell_clicked.connect(self.select_cell)
        self.index.valueChanged.connect(self.choose_input)
        self.random.clicked.connect(self._random_input)
        self.put.clicked.connect(self._put)
        self.reset.clicked.connect(self._reset_edits)
        self.train_prior.clicked.connect(lambda: self.train_prior_requested.emit(
            {"epochs": self.prior_epochs.value(), "conditional": self.prior_conditional.isChecked()}))
        self.sample_prior.clicked.connect(self.draw_prior_samples)
        self.set_live(False)

    # -- the run ------------------------------------------------------------------------------
    def set_context(self, context) -> None:
        from explorer.core.codebook.usage import vq_model

        self.jobs.cancel("grids")
        self.jobs.cancel("prior")
        self.context, self.vq, self.prior = context, None, None
        self.grids = self.editor = self.cb_map = None
        self.code = self.cell = None
        self._usage_step = self._drawn_version = None
        model = None
        if context is not None and context.loaded is not None:
            model = context.loaded.model
        elif context is not None and context.model_cfg.model in ("vqvae", "pixelcnn"):
            from models import build_model   # no checkpoint yet: the usage records need only K
            model = build_model(context.model_cfg)
        try:
            self.vq = None if model is None else vq_model(model)
        except ValueError:
            self.vq = None
        self.stack.setCurrentIndex(0 if self.vq is None else 1)
        self.message.setText("")
        if self.vq is None:
            return
        self.prior = model if model is not self.vq else None
        K = self.vq.latent.codebook_size
        self.colours = code_colours(K)
        self.new_code.setRange(0, K - 1)
        self.k_line.setPos(K)
        with QtCore.QSignalBlocker(self.auto_restart):
            self.auto_restart.setChecked(self._restarts_setting(context))
        data = context.data()
        with QtCore.QSignalBlocker(self.index):
            self.index.setRange(0, max(0, len(data.test_x) - 1))
        self._setup_prior(context, model)
        self.set_live(self._live)
        self.refresh(force=True)
        self.on_checkpoint()

    @staticmethod
    def _restarts_setting(context) -> bool:
        """Automatic restarts as the run has them now: the last live change since it (re)started,
        else its config."""
        for r in reversed(context.follower.records):
            if r.get("kind") == "setting" and "restarts" in r:
                return bool(r["restarts"])
            if r.get("kind") in ("start", "resume"):
                break
        return bool(context.model_cfg.restarts)

    def on_checkpoint(self) -> None:
        """A new checkpoint: encode the training split again, map the codebook, redraw. Put off
        while the tab is hidden (showEvent catches up): it is seconds of CPU beside training."""
        ctx = self.context
        if ctx is None or self.vq is None or ctx.loaded is None:
            return
        self._enable_prior_buttons()
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        from explorer.core.codebook.usage import codebook_map, encode_grids, vq_model

        model = ctx.loaded.model
        self.vq = vq_model(model)
        if self.prior is not None:
            self.prior = model
            self.draw_prior_samples()
            if self.grids is not None and self.grids.step == ctx.loaded.step:
                return
        vq, data, step = self.vq, ctx.data(), ctx.loaded.step
        cancel = threading.Event()

        def work():
            grids = encode_grids(vq, data, "train", step=step, cancel=cancel)
            return grids, codebook_map(vq, grids.counts, "pca")

        self.message.setText("Encoding the training images into code grids…")
        self.jobs.submit("grids", work, lambda r: self._grids_ready(vq, *r), self._failed, cancel=cancel)

    def showEvent(self, e):
        super().showEvent(e)
        self.refresh()
        if getattr(self, "_stale", False):
            self.on_checkpoint()

    def _grids_ready(self, vq, grids, cb_map) -> None:
        if vq is not self.vq:
            return
        self.grids, self.cb_map = grids, cb_map
        self.message.setText(f"Code grids of {len(grids):,} training images at step {grids.step:,} "
                             f"({grids.grid_shape[0]}×{grids.grid_shape[1]} codes each).")
        self._draw_codebook_map()
        self._draw_usage(force=True)
        # the same input under the new weights, with the user's edits and chosen cell kept
        old, cell = self.editor, self.cell
        self.choose_input(self.index.value())
        if old is not None and self.editor is not None and old.changed.any():
            for r, c in zip(*np.nonzero(old.changed)):
                self.editor.set_cell(int(r), int(c), int(old.grid[r, c]))
            self._show_edited()
        if cell is not None and self.editor is not None:
            self.cell = cell
            self.grid_view.select(*cell)
        if self.code is not None:
            self.show_code(self.code)

    def _failed(self, message: str) -> None:
        self.message.setText(f"Codebook: {message}")

    def set_live(self, live: bool) -> None:
        """Whether this window trains the run shown (the restart controls act on that run)."""
        self._live = live
        can = live and self.vq is not None and self.prior is None
        self.restart_now.setEnabled(can)
        self.auto_restart.setEnabled(can)
        tip = "" if can else " (only while this window trains a VQ-VAE run)"
        self.restart_now.setStatusTip(tip)

    def _auto_restart_toggled(self, on: bool) -> None:
        if self.vq is not None:
            self.auto_restart_changed.emit(on)

    def on_codes_restarted(self, ev) -> None:
        self.message.setText(f"Step {ev.step:,}: re-seeded {len(ev.codes)} dead codes from encoder outputs "
                             f"({ev.restarts} restarts in this run so far).")

    # -- usage ------------------------------------------------------------------------------
    def refresh(self, force: bool = False) -> None:
        """From the run's records (the window's follow timer calls this)."""
        ctx = self.context
        if ctx is None or self.vq is None:
            return
        h = ctx.history
        if not force and (h.version == self._drawn_version or not self.isVisible()):
            return   # nothing new, or another tab is in front: showEvent catches up
        self._drawn_version = h.version
        any_points = False
        for key, curve in (("perplexity", self.perplexity_curve), ("codes_used", self.used_curve)):
            s = h.epoch_series.get(key)
            curve.setData(s.x, s.y) if s is not None and len(s) else curve.setData([], [])
            any_points = any_points or (s is not None and len(s) > 0)
        self.curves.setVisible(any_points or self.prior is None)   # a prior's run has no usage of its own
        self._draw_usage(force)

    def latest_usage(self):
        """(counts, record) of the newest usage line in metrics.jsonl, or the training split's
        code counts under the checkpoint when the run has none (e.g. a prior's run)."""
        from explorer.core.codebook.usage import decode_usage

        ctx = self.context
        K = self.vq.latent.codebook_size
        for r in reversed(ctx.follower.records if ctx is not None else []):
            try:
                if r.get("kind") == "usage" and "usage_rle" in r:
                    return decode_usage(r["usage_rle"], K), r
                if r.get("kind") == "epoch" and isinstance(r.get("code_usage"), list):
                    return decode_usage(r["code_usage"], K), r      # a whole epoch's assignments
            except ValueError:
                break
        if self.grids is not None:
            return self.grids.counts, None
        return None, None

    def _draw_usage(self, force: bool = False) -> None:
        counts, record = self.latest_usage()
        if counts is None:
            self.usage_title.setText("Waiting for code usage (training writes it every few steps)…")
            return
        key = (record or {}).get("step", ("grids", self.grids.step if self.grids else None))
        if not force and key == self._usage_step:
            return
        self._usage_step = key
        partial = record is not None and record["kind"] == "usage"
        self.hist.set_usage(counts, self.log_scale.isChecked(), dead_word="unused so far" if partial else "dead")
        self.hist.mark(self.code)
        K, used = len(counts), int((counts > 0).sum())
        from explorer.core.training.evaluation import perplexity
        ppl = perplexity(counts) if counts.sum() else float("nan")
        if record is None:
            where = "over the training images under this checkpoint"
        elif record["kind"] == "epoch":
            where = f"over all of epoch {record['epoch']} (step {record['step']:,})"
        else:
            where = f"so far in epoch {record['epoch'] + 1} (step {record['step']:,})"
        self.usage_title.setText(
            f"<b>{used:,} of {K:,} codes used</b> ({100 * used / K:.0f}%), "
            f"<span style='color:{DEAD_CODE}'>{K - used:,} {'unused so far' if partial else 'dead'}</span>, "
            f"perplexity {ppl:.1f} {where}. "
            f"Perplexity is exp(entropy of use): K if every code were used equally, 1 for a single code.")

    # -- code map ---------------------------------------------------------------------------
    def _random_input(self) -> None:
        if self.index.maximum() > 0:
            self.index.setValue(int(np.random.default_rng().integers(0, self.index.maximum() + 1)))

    def choose_input(self, i: int) -> None:
        from explorer.core.codebook.usage import CodeEditor
        from explorer.core.data.images import grid as image_grid

        ctx = self.context
        if ctx is None or self.vq is None or ctx.loaded is None:
            return
        data = ctx.data()
        if not len(data.test_x):
            return
        x = data.test_x[int(i)]
        self.editor = CodeEditor.for_input(self.vq, x)
        self.input_img.set_pixmap(rgb_pixmap(image_grid(x[None], pad=0)))
        self.recon_img.set_pixmap(rgb_pixmap(image_grid(self.editor.reconstruction[None], pad=0)))
        self.cell = None
        self.grid_view.select(None)
        self._show_edited()

    def _show_edited(self) -> None:
        from explorer.core.data.images import grid as image_grid

        e = self.editor
        self.grid_view.set_grid(e.grid.numpy(), self.colours, e.changed)
        self.edited_img.set_pixmap(rgb_pixmap(image_grid(e.decoded[None], pad=0)))

    def select_cell(self, row: int, col: int) -> None:
        if self.editor is None:
            return
        self.cell = (row, col)
        self.grid_view.select(row, col)
        code = self.editor.code_at(row, col)
        self.new_code.setValue(code)
        self.show_code(code, prefix=f"Cell ({row}, {col}) holds ")

    def set_cell(self, row: int, col: int, code: int) -> None:
        """Put `code` in a cell of the chosen input's grid and decode again, at once."""
        if self.editor is None:
            return
        try:
            self.editor.set_cell(row, col, code)
        except ValueError as e:
            self.message.setText(str(e))
            return
        self.cell = (row, col)
        self.grid_view.select(row, col)
        self.new_code.setValue(int(code))
        self._show_edited()
        self.show_code(code, prefix=f"Cell ({row}, {col}) now holds ")

    def _put(self) -> None:
        if self.cell is None:
            self.cell_info.setText("Click a cell of the grid first, then choose its new code.")
            return
        self.set_cell(*self.cell, self.new_code.value())

    def _reset_edits(self) -> None:
        if self.editor is not None:
            self.editor.reset()
            self._show_edited()

    def show_code(self, code: int, prefix: str = "") -> None:
        """How often `code` is used, and the training images that use it most."""
        from explorer.core.data.images import grid as image_grid

        self.code = int(code)
        self.hist.mark(self.code)
        self._mark_code_on_map()
        if self.grids is None:
            self.cell_info.setText(f"{prefix}code {code} (its uses appear once the images are encoded).")
            return
        u = self.grids.uses(code)
        if u.cells == 0:
            self.cell_info.setText(f"{prefix}code {code}: <b>dead</b>, no training image uses it.")
            self.top_title.setText("")
            self.top_img.set_pixmap(None)
            return
        self.cell_info.setText(f"{prefix}code {code}: {u.share:.2%} of all grid cells, "
                               f"in {u.images:,} of {len(self.grids):,} training images.")
        rows, cells = self.grids.top_images(code, TOP_IMAGES)
        x = self.context.data().train_x[rows]
        h, w = self.grids.grid_shape
        many = f"{cells[0]}" if cells[0] == cells[-1] else f"{cells[-1]}–{cells[0]}"
        self.top_title.setText(f"The {len(rows)} training images using code {code} most "
                               f"(in {many} of their {h * w} cells):")
        self.top_img.set_pixmap(rgb_pixmap(image_grid(x, nrow=TOP_IMAGES)))

    # -- codebook map -----------------------------------------------------------------------
    def _draw_codebook_map(self) -> None:
        m = self.cb_map
        if m is None:
            self.cb_scatter.setData([], [])
            return
        dead = m.dead
        brushes = [pg.mkBrush(*self.colours[k], 200) if not d else pg.mkBrush(DEAD_CODE) for k, d in enumerate(dead)]
        self.cb_scatter.setData(pos=m.coords, size=m.sizes(4, 22), brush=brushes,
                                symbol=["x" if d else "o" for d in dead], pen=pg.mkPen(OUTLINE),
                                data=np.arange(len(m.coords)))
        self._mark_code_on_map()

    def _mark_code_on_map(self) -> None:
        if self.cb_map is None or self.code is None or self.code >= len(self.cb_map.coords):
            self.cb_mark.setData([], [])
        else:
            self.cb_mark.setData(pos=self.cb_map.coords[[self.code]])

    def _code_point_clicked(self, item, points, ev=None) -> None:
        if len(points):
            code = int(points[0].data())
            if self.cell is not None:
                self.new_code.setValue(code)
            self.show_code(code)

    # -- PixelCNN prior ---------------------------------------------------------------------
    def _enable_prior_buttons(self) -> None:
        ready = self.context is not None and self.context.loaded is not None
        for b in (self.train_prior, self.sample_prior):
            b.setEnabled(ready)
            b.setToolTip(b.toolTip() if ready else "Waits for the run's first checkpoint")

    def _setup_prior(self, context, model) -> None:
        from models import CONDITIONAL

        is_prior = self.prior is not None
        for w in (self.prior_epochs, self.prior_conditional, self.train_prior):
            w.setVisible(not is_prior)
        for w in (self.prior_class, self.prior_seed, self.sample_prior, self.prior_img):
            w.setVisible(is_prior)
        self.prior_img.set_pixmap(None)
        self._enable_prior_buttons()
        if not is_prior:
            self.prior_info.setText("Train a PixelCNN over this VQ-VAE's code grids to sample new images: it "
                                    "predicts each code from the ones above and to the left. The prior is a new "
                                    "run, listed under Runs; open it to sample here.")
            return
        cfg = model.cfg
        names = list(context.data().label_names or [])
        self.prior_class.clear()
        conditional = CONDITIONAL in model.capabilities
        self.prior_class.setVisible(conditional)
        if conditional:
            self.prior_class.addItem("every class", None)
            for k in range(cfg.n_classes):
                self.prior_class.addItem(f"class {names[k] if k < len(names) else k}", k)
        bits = context.last_metrics.get("test_bits_per_code")
        self.prior_info.setText(f"A {cfg.pixelcnn_layers}-layer gated PixelCNN over the codes of "
                                f"{cfg.vq_run.rstrip('/').split('/')[-1]}"
                                + (f", {bits:.2f} bits per code on test grids" if bits is not None else "")
                                + ". Sampling draws codes one position at a time, then decodes them.")

    def draw_prior_samples(self) -> None:
        import torch

        from explorer.core.data.images import grid as image_grid

        model = self.prior
        if model is None:
            return
        condition, seed = self.prior_class.currentData(), self.prior_seed.value()

        def work():
            was = model.training
            model.eval()
            try:
                g = torch.Generator(device=model.device).manual_seed(seed)
                return image_grid(model.generate(PRIOR_SAMPLES, condition=condition, generator=g).cpu(), nrow=6)
            finally:
                model.train(was)

        self.prior_img.set_pixmap(None)
        self.prior_img.setText("Sampling codes position by position…")
        self.jobs.submit("prior", work, lambda arr: self.prior_img.set_pixmap(rgb_pixmap(arr))
                         if model is self.prior else None, self._failed)
