"""Codebook: how much of a VQ-VAE's codebook is really used, and what the codes mean.

The panel holds the run and what was computed from it (the training split's code grids,
the chosen input's editor, the codebook map) and ties four sections together:
- usage_histogram: every code's uses so far this epoch, most used first, dead codes
  marked; perplexity and codes used per epoch; "Restart dead codes now" beside the
  automatic restart setting of the live run.
- code_map: a chosen input's grid of code indices, its reconstruction, and the grid
  decoded again after the user changes a cell. A click on a cell (or on a code in the
  codebook map, or on a bar) shows how often that code is used and the images using it most.
- codebook_map: the codebook as a 2-D map (PCA of the K code vectors), sized by use.
- pixelcnn_prior: a PixelCNN prior over the codes, trained from here (a new run), sampled here.
- level_swap (VQ-VAE-2): two images with their top and bottom codes exchanged. A VQ-VAE-2's
  two codebooks are shown one at a time, chosen by the Level selector; everything above then
  speaks of that level (explorer.core.codebook.usage.LevelView).

Nothing slow runs on the GUI thread. A run shown draws at once what its records hold (the
latest usage line, the per-epoch curves); loading its dataset, encoding the training split
into code grids and mapping the codebook run in one background job, with a progress line,
when the tab is first in front (and at each new checkpoint while it is); sampling the prior
is another job. A result is dropped when the run shown is no longer the one it was computed
for. Re-decoding one edited grid is about a millisecond and runs at once.
"""
from __future__ import annotations

from explorer.core.said import text_of

import threading

import numpy as np
from PySide6 import QtCore, QtWidgets

from ...i18n import QT_TR_NOOP, tr
from ...jobs import Progress
from ...palette import code_colours
from ...widgets import caption, placeholder, placeholder_stack
from .code_map import CodeMapBox
from .level_swap import LevelSwapBox
from .codebook_map import CodebookMapBox
from .pixelcnn_prior import PriorBox, sample_grid
from .usage_histogram import UsageBox

TOP_IMAGES = 16


class CodebookPanel(QtWidgets.QWidget):
    restart_requested = QtCore.Signal()
    auto_restart_changed = QtCore.Signal(bool)
    train_prior_requested = QtCore.Signal(dict)    # {"epochs": n, "conditional": bool}

    def __init__(self, parent=None):
        super().__init__(parent)
        from ...jobs import Jobs

        self.jobs = Jobs(self)
        self.context = None
        self.vq = None             # the VQ-VAE (itself, or the one inside a PixelCNN run)
        self.prior = None          # the PixelCNN, for a prior run
        self.grids = None          # explorer.core.codebook.usage.CodeGrids of the training split
        self.editor = None         # explorer.core.codebook.usage.CodeEditor of the chosen input
        self.cb_map = None         # explorer.core.codebook.usage.CodebookMap
        self.level = "bottom"      # a VQ-VAE-2's level shown ("top" or "bottom"); unused for one level
        self.levels = ()           # ("top", "bottom") for a VQ-VAE-2 run or a prior over one
        self.colours = None
        self.code = None           # the code whose uses are shown
        self._code_shown = None    # (code, cell) of the lines about the code shown
        self.cell = None           # (row, col) chosen in the grid
        self._usage_step = None    # step of the usage record drawn
        self._drawn_version = None
        self._live = False
        self._stale = False
        self._data = None          # the run's dataset, once the background job has loaded it
        self._message = None       # (English source, its values) of the line under the tab

        self.usage, self.code_map = UsageBox(), CodeMapBox()
        self.usage.more_card = self._vq_loss_card
        self.codebook_map, self.prior_box = CodebookMapBox(), PriorBox()
        # the widgets the window and the tests reach by name
        u, cm, pb = self.usage, self.code_map, self.prior_box
        self.usage_title, self.hist, self.log_scale = u.heading, u.hist, u.log_scale
        self.auto_restart, self.restart_now, self.perplexity_curve = u.auto_restart, u.restart_now, u.perplexity_curve
        self.index, self.grid_view, self.new_code, self.put, self.reset = (cm.index, cm.grid_view, cm.new_code,
                                                                           cm.put, cm.reset)
        self.cell_info, self.top_img = cm.cell_info, cm.top_img
        self.cb_plot, self.cb_scatter = self.codebook_map.plot, self.codebook_map.scatter
        self.prior_epochs, self.train_prior, self.prior_class = pb.epochs, pb.train, pb.condition
        self.sample_prior, self.prior_img = pb.sample, pb.img

        self.level_choice = QtWidgets.QComboBox()
        self.level_choice.addItem(tr("Top codes (global structure)"), "top")
        self.level_choice.addItem(tr("Bottom codes (local detail)"), "bottom")
        self.level_choice.setCurrentIndex(1)
        self.level_row = QtWidgets.QWidget()
        row = QtWidgets.QHBoxLayout(self.level_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QtWidgets.QLabel(tr("VQ-VAE-2 level:")))
        row.addWidget(self.level_choice)
        row.addStretch(1)
        self.swap = LevelSwapBox()
        left = QtWidgets.QSplitter(QtCore.Qt.Vertical)
        left.addWidget(self.usage)
        left.addWidget(self.codebook_map)
        left.setSizes([500, 300])
        right = QtWidgets.QSplitter(QtCore.Qt.Vertical)
        right.addWidget(self.code_map)
        right.addWidget(self.swap)
        right.addWidget(self.prior_box)
        right.setSizes([480, 240, 240])
        split = QtWidgets.QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([520, 480])
        self.placeholder = placeholder(tr("The codebook panel is for VQ-VAE runs (vqvae) and PixelCNN priors "
                                          "over them."))
        body = QtWidgets.QWidget()
        bl = QtWidgets.QVBoxLayout(body)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(self.level_row)
        bl.addWidget(split, 1)
        self.stack = placeholder_stack(self.placeholder, body)
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
        self.codebook_map.code_clicked.connect(self._code_point_clicked)
        self.index.valueChanged.connect(self.choose_input)
        self.put.clicked.connect(self._put)
        self.reset.clicked.connect(self._reset_edits)
        self.prior_box.train_requested.connect(self.train_prior_requested.emit)
        self.sample_prior.clicked.connect(self.draw_prior_samples)
        self.level_choice.currentIndexChanged.connect(lambda i: self.set_level(self.level_choice.itemData(i)))
        self.swap.changed.connect(self.draw_swap)
        self.set_live(False)

    # -- the run ------------------------------------------------------------------------------
    def _vq_loss_card(self) -> str:
        from explorer.core.concepts import vq_loss_card

        ctx = self.context
        mc = None if ctx is None else ctx.model_cfg
        if mc is None or mc.model not in ("vqvae", "vqvae2"):
            return ""
        return vq_loss_card(ctx.history, mc.commitment, bool(mc.ema))

    def set_context(self, context) -> None:
        """Show `context`'s run: at once what its records hold; the code grids, the codebook
        map and the code map of an input come from a background job (on_checkpoint)."""
        from explorer.core.codebook.usage import levels_of, vq_model

        self.jobs.cancel("grids")
        self.jobs.cancel("swap")
        self.jobs.cancel("prior")
        self.context, self.vq, self.prior = context, None, None
        self.grids = self.editor = self.cb_map = None
        self.code = self.cell = None
        self._code_shown = None    # (code, cell) of the lines about the code shown
        self._data = None
        self._usage_step = self._drawn_version = None
        self._stale = False
        model = None
        if context is not None and context.loaded is not None:
            model = context.loaded.model
        elif context is not None and getattr(context.model_cfg, "model", None) in CODEBOOK_FAMILIES:
            model = _model_of_config(context.model_cfg)   # no checkpoint yet: the usage records need only K
        try:
            self.levels = () if model is None else levels_of(model)
            self.vq = None if model is None else vq_model(model, self.level)
        except ValueError:
            self.vq, self.levels = None, ()
        self.level_row.setVisible(bool(self.levels))
        self.swap.setVisible(bool(self.levels))
        self._clear_views()
        self.stack.setCurrentIndex(0 if self.vq is None else 1)
        self._say(None)
        if self.vq is None:
            return
        self.prior = model if model.cfg.model == "pixelcnn" else None
        self._set_codebook_size()
        with QtCore.QSignalBlocker(self.auto_restart):
            self.auto_restart.setChecked(self._restarts_setting(context))
        with QtCore.QSignalBlocker(self.index):
            self.index.setRange(0, 0)      # the test split's size is known once the data is loaded
        self.swap.set_count(0)
        self.prior_box.set_run(context, model, self.prior is not None)
        self._enable_prior_buttons()
        self.set_live(self._live)
        self.refresh(force=True)
        self.on_checkpoint()

    def _set_codebook_size(self) -> None:
        K = self.vq.latent.codebook_size
        self.colours = code_colours(K)
        self.new_code.setRange(0, K - 1)
        self.usage.k_line.setPos(K)

    def set_level(self, level: str) -> None:
        """Show the other level of a VQ-VAE-2: its usage, code grids, codebook map and editor."""
        if level == self.level or level not in ("top", "bottom"):
            return
        self.level = level
        with QtCore.QSignalBlocker(self.level_choice):
            self.level_choice.setCurrentIndex(self.level_choice.findData(level))
        if self.vq is None or not self.levels:
            return
        from explorer.core.codebook.usage import vq_model

        self.jobs.cancel("grids")
        self.vq = vq_model(self.vq, level)
        self.grids = self.editor = self.cb_map = None
        self.code = self.cell = None
        self._code_shown = None
        self._usage_step = None
        self.hist.mark(None)
        self.codebook_map.draw(None, None, None)
        self.code_map.clear()
        self._set_codebook_size()
        self.refresh(force=True)
        self.on_checkpoint()

    def _clear_views(self) -> None:
        """Nothing of the previous run stays on screen."""
        self.hist.set_usage(np.zeros(0, np.int64))
        self.hist.mark(None)
        self.usage.clear_title()
        self.usage.draw_curves(None, keep_shown=True)
        self.codebook_map.draw(None, None, None)
        self.code_map.clear()
        self.swap.clear()
        self.prior_box.img.set_pixmap(None)

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
        """A new checkpoint (or the run's first showing): load the dataset, encode the training
        split into code grids, map the codebook, in the background; then redraw. Put off while
        the tab is hidden (showEvent catches up): it is seconds of CPU beside training."""
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
        self.vq = vq_model(model, self.level)
        if self.prior is not None:
            self.prior = model
        vq, step, prior = self.vq, ctx.loaded.step, self.prior
        if self.grids is not None and self.grids.step == step and self._data is not None:
            if prior is not None:
                self.draw_prior_samples()    # a prior's new weights over the same VQ-VAE
            return
        cancel = threading.Event()
        stage = Progress()   # (line, its values): the job's stage, written by its thread

        def work():   # a background thread: no Qt object is touched here
            data = ctx.data()
            stage.set((QT_TR_NOOP("Counting code usage: encoding the training images into code grids…"), {}))

            def progress(done, total):
                stage.set((QT_TR_NOOP("Counting code usage: encoding the training images… {done:,} of {total:,}"),
                           {"done": done, "total": total}))

            grids = encode_grids(vq, data, "train", step=step, progress=progress, cancel=cancel)
            stage.set((QT_TR_NOOP("Mapping the codebook…"), {}))
            return data, grids, codebook_map(vq, grids.counts, "pca")

        self._say(QT_TR_NOOP("Loading the dataset…"), {})
        self.jobs.submit("grids", work, lambda r: self._grids_ready(ctx, vq, *r),
                         lambda m: self._failed(m) if ctx is self.context else None, cancel=cancel,
                         progress=stage, on_progress=lambda line: self._say(*line))

    def showEvent(self, e):
        super().showEvent(e)
        self.refresh()
        if self._stale:
            self.on_checkpoint()

    def _grids_ready(self, ctx, vq, data, grids, cb_map) -> None:
        if ctx is not self.context or vq is not self.vq:
            return     # computed for a run (or weights) no longer shown
        first = self._data is None
        self._data, self.grids, self.cb_map = data, grids, cb_map
        if first:
            with QtCore.QSignalBlocker(self.index):
                self.index.setRange(0, max(0, len(data.test_x) - 1))
            self.swap.set_count(len(data.test_x))
            if self.prior is not None:
                self.prior_box.set_labels([text_of(n) for n in data.label_names or []])
        self._say(QT_TR_NOOP("Code grids of {n:,} training images at step {step:,} ({h}×{w} codes each)."),
                  {"n": len(grids), "step": grids.step, "h": grids.grid_shape[0], "w": grids.grid_shape[1]})
        self.codebook_map.draw(cb_map, self.colours, self.code)
        self._draw_usage(force=True)
        # the same input under the new weights, with the user's edits and chosen cell kept
        old, cell = self.editor, self.cell
        self.choose_input(self.index.value())
        if old is not None and self.editor is not None and old.changed.any():
            for r, c in zip(*np.nonzero(old.changed)):
                self.editor.set_cell(int(r), int(c), int(old.grid[r, c]))
            self.code_map.show_edited(self.editor, self.colours)
        if cell is not None and self.editor is not None:
            self.cell = cell
            self.grid_view.select(*cell)
        if self.code is not None:
            self.show_code(self.code)
        if self.prior is not None:
            self.draw_prior_samples()
        self.draw_swap()

    def _failed(self, message: str) -> None:
        self._say(QT_TR_NOOP("Codebook: {message}"), {"message": message})

    def set_live(self, live: bool) -> None:
        """Whether this window trains the run shown (the restart controls act on that run)."""
        self._live = live
        self.usage.set_restartable(live and self.vq is not None and self.prior is None)

    def _auto_restart_toggled(self, on: bool) -> None:
        if self.vq is not None:
            self.auto_restart_changed.emit(on)

    def on_codes_restarted(self, ev) -> None:
        self._say(QT_TR_NOOP("Step {step:,}: re-seeded {codes} dead codes from encoder outputs "
                             "({restarts} restarts in this run so far)."),
                  {"step": ev.step, "codes": len(ev.codes), "restarts": ev.restarts})

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
        self.usage.draw_curves(h, keep_shown=self.prior is None,   # a prior's run has no usage of its own
                               prefix="top_" if self.levels and self.level == "top" else "")
        self._draw_usage(force)

    def latest_usage(self):
        """(counts, record) of the newest usage line in metrics.jsonl, or the training split's
        code counts under the checkpoint when the run has none (e.g. a prior's run)."""
        from explorer.core.codebook.usage import decode_usage

        ctx = self.context
        K = self.vq.latent.codebook_size
        top = bool(self.levels) and self.level == "top"   # a VQ-VAE-2's top level: its lines are marked
        for r in reversed(ctx.follower.records if ctx is not None else []):
            try:
                if r.get("kind") == "usage" and "usage_rle" in r and (r.get("level") == "top") == top:
                    return decode_usage(r["usage_rle"], K), r
                key = "top_code_usage" if top else "code_usage"
                if r.get("kind") == "epoch" and isinstance(r.get(key), list):
                    return decode_usage(r[key], K), r      # a whole epoch's assignments
            except ValueError:
                break
        if self.grids is not None:
            return self.grids.counts, None
        return None, None

    def _draw_usage(self, force: bool = False) -> None:
        counts, record = self.latest_usage()
        if counts is None:
            self.usage.clear_title()
            self.usage_title.setText(tr("Waiting for code usage (training writes it every few steps)…"))
            return
        key = (record or {}).get("step", ("grids", self.grids.step if self.grids else None))
        if not force and key == self._usage_step:
            return
        self._usage_step = key
        self.usage.show_usage(counts, record)
        self.hist.mark(self.code)

    # -- code map ---------------------------------------------------------------------------
    def choose_input(self, i: int) -> None:
        from explorer.core.codebook.usage import CodeEditor

        ctx, data = self.context, self._data
        if ctx is None or self.vq is None or ctx.loaded is None or data is None:
            return     # the dataset is loaded in the background (on_checkpoint)
        if not len(data.test_x):
            return
        x = data.test_x[int(i)]
        self.editor = CodeEditor.for_input(self.vq, x)
        self.code_map.show_input(x, self.editor)
        self.cell = None
        self.code_map.show_edited(self.editor, self.colours)

    def select_cell(self, row: int, col: int) -> None:
        if self.editor is None:
            return
        self.cell = (row, col)
        self.grid_view.select(row, col)
        code = self.editor.code_at(row, col)
        self.new_code.setValue(code)
        self.show_code(code, cell=(row, col, "holds"))

    def set_cell(self, row: int, col: int, code: int) -> None:
        """Put `code` in a cell of the chosen input's grid and decode again, at once."""
        if self.editor is None:
            return
        try:
            self.editor.set_cell(row, col, code)
        except ValueError as e:
            self._say("{error}", {"error": str(e)})   # explorer.core.codebook.usage's words
            return
        self.cell = (row, col)
        self.grid_view.select(row, col)
        self.new_code.setValue(int(code))
        self.code_map.show_edited(self.editor, self.colours)
        self.show_code(code, cell=(row, col, "now holds"))

    def _put(self) -> None:
        if self.cell is None:
            self._code_shown = None
            self.cell_info.setText(tr("Click a cell of the grid first, then choose its new code."))
            return
        self.set_cell(*self.cell, self.new_code.value())

    def _reset_edits(self) -> None:
        if self.editor is not None:
            self.editor.reset()
            self.code_map.show_edited(self.editor, self.colours)

    def show_code(self, code: int, cell: tuple | None = None) -> None:
        """How often `code` is used, and the training images that use it most; `cell`:
        (row, col, "holds" or "now holds"), the cell of the grid it was chosen in."""
        self.code = int(code)
        self._code_shown = (self.code, cell)
        self.hist.mark(self.code)
        self.codebook_map.mark_code(self.code)
        self._code_texts(images=True)

    def _code_texts(self, images: bool = False) -> None:
        """The lines about the code shown (and, with `images`, the images using it most)."""
        if self._code_shown is None:
            return
        code, cell = self._code_shown
        if cell is None:
            prefix = ""
        elif cell[2] == "holds":
            prefix = tr("Cell ({row}, {col}) holds ").format(row=cell[0], col=cell[1])
        else:
            prefix = tr("Cell ({row}, {col}) now holds ").format(row=cell[0], col=cell[1])
        if self.grids is None:
            self.cell_info.setText(prefix + tr("code {code} (its uses appear once the images are encoded).").format(
                code=code))
            return
        u = self.grids.uses(code)
        if u.cells == 0:
            self.cell_info.setText(prefix + tr("code {code}: <b>dead</b>, no training image uses it.").format(code=code))
            if images:
                self.code_map.show_top_images("")
            return
        self.cell_info.setText(prefix + tr("code {code}: {share:.2%} of all grid cells, "
                                           "in {images:,} of {total:,} training images.").format(
            code=code, share=u.share, images=u.images, total=len(self.grids)))
        rows, cells = self.grids.top_images(code, TOP_IMAGES)
        h, w = self.grids.grid_shape
        many = f"{cells[0]}" if cells[0] == cells[-1] else f"{cells[-1]}–{cells[0]}"
        title = tr("The {n} training images using code {code} most (in {many} of their {cells} cells):").format(
            n=len(rows), code=code, many=many, cells=h * w)
        if images:
            self.code_map.show_top_images(title, self._data.train_x[rows], nrow=TOP_IMAGES)
        else:
            self.code_map.top_title.setText(title)

    def _say(self, source: str | None, values: dict | None = None) -> None:
        """The line under the tab: `source` (a QT_TR_NOOP-marked text, None for none) in the
        window's language, formatted with `values`; kept to be said again in another language."""
        self._message = None if source is None else (source, values or {})
        self.message.setText("" if source is None else tr(source).format(**(values or {})))

    def retranslate(self) -> None:
        """The formatted lines again, in the language now installed (the static ones are put
        back by explorer.qt.i18n.retranslate)."""
        if self._message is not None:
            self._say(*self._message)
        self._code_texts()     # the usage box, code map and prior box redraw their own

    # -- codebook map -----------------------------------------------------------------------
    def _code_point_clicked(self, code: int) -> None:
        if self.cell is not None:
            self.new_code.setValue(code)
        self.show_code(code)

    # -- PixelCNN prior ---------------------------------------------------------------------
    def _enable_prior_buttons(self) -> None:
        self.prior_box.set_ready(self.context is not None and self.context.loaded is not None)

    def draw_swap(self) -> None:
        """A VQ-VAE-2's two chosen test images with their levels exchanged (four decodings,
        milliseconds: at once)."""
        from explorer.core.codebook.usage import swap_levels

        data = self._data
        if not self.levels or self.vq is None or data is None or not len(data.test_x):
            return
        a, b = self.swap.a.value(), self.swap.b.value()
        self.swap.show_swapped(swap_levels(self.vq, data.test_x[a], data.test_x[b]))

    def draw_prior_samples(self) -> None:
        from models import GENERATE

        model = self.prior
        if model is None or self._data is None or GENERATE not in model.capabilities:
            return     # the class names come with the dataset (on_checkpoint's job); a top-level
                       # prior draws no images
        condition, seed = self.prior_class.currentData(), self.prior_box.seed.value()
        self.prior_box.sampling()
        self.jobs.submit("prior", lambda: sample_grid(model, condition, seed),
                         lambda arr: self.prior_box.show_samples(arr) if model is self.prior else None, self._failed)


# the families with a codebook: a new run of another family (a GAN just started) is not built
# on the GUI thread only to find that it has none (20 ms for the toy GAN)
CODEBOOK_FAMILIES = ("vqvae", "vqvae2", "pixelcnn")


def _model_of_config(model_cfg):
    """A model built from a run's configuration, for a run with no checkpoint yet (untrained
    weights: only its structure, e.g. the codebook size, is read); None if it cannot be built."""
    from models import build_model

    try:
        return build_model(model_cfg)
    except (ValueError, RuntimeError):
        return None
