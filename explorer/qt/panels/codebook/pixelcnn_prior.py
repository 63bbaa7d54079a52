"""A PixelCNN prior over a VQ-VAE's codes: from a VQ-VAE run, train one (a new run); from
a prior's run, sample it (codes drawn position by position, then decoded)."""
from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from ...i18n import tr
from ...widgets import ScaledImage, rgb_pixmap
from .code_map import retranslate_image

PRIOR_SAMPLES = 36


def sample_grid(model, condition, seed: int):
    """PRIOR_SAMPLES images of the prior `model` as one grid (off the GUI thread)."""
    import torch

    from explorer.core.data.images import grid as image_grid
    from models.nets import eval_mode

    with eval_mode(model):
        g = torch.Generator(device=model.device).manual_seed(seed)
        return image_grid(model.generate(PRIOR_SAMPLES, condition=condition, generator=g).cpu(), nrow=6)


class PriorBox(QtWidgets.QGroupBox):
    train_requested = QtCore.Signal(dict)    # {"epochs": n, "conditional": bool}

    def __init__(self):
        super().__init__(tr("PixelCNN prior over the codes"))
        self._info = None          # (config, bits per code) of the prior's run; None: a VQ-VAE's
        self._names = []           # the class names of a conditional prior
        self.info = QtWidgets.QLabel("")
        self.info.setWordWrap(True)
        self.epochs = QtWidgets.QSpinBox()
        self.epochs.setRange(1, 500)
        self.epochs.setValue(10)
        self.epochs.setSuffix(tr(" epochs"))
        self.conditional = QtWidgets.QCheckBox(tr("conditioned on the class"))
        self.conditional.setChecked(True)
        self.train = QtWidgets.QPushButton(tr("Train a PixelCNN prior"))
        self.train.setToolTip(self._train_tip())
        self.condition = QtWidgets.QComboBox()
        self.seed = QtWidgets.QSpinBox()
        self.seed.setRange(0, 100_000)
        self.seed.setPrefix(tr("seed "))
        self.sample = QtWidgets.QPushButton(tr("Sample {n}").format(n=PRIOR_SAMPLES))
        self.img = ScaledImage("")
        pl = QtWidgets.QGridLayout(self)
        # two controls a row: three held the tab wider than a small screen's share
        pl.addWidget(self.info, 0, 0, 1, 2)
        pl.addWidget(self.epochs, 1, 0)
        pl.addWidget(self.conditional, 1, 1)
        pl.addWidget(self.train, 2, 0, 1, 2)
        pl.addWidget(self.condition, 3, 0)
        pl.addWidget(self.seed, 3, 1)
        pl.addWidget(self.sample, 4, 0, 1, 2)
        pl.addWidget(self.img, 5, 0, 1, 2)
        pl.setRowStretch(5, 1)
        self.train.clicked.connect(lambda: self.train_requested.emit(
            {"epochs": self.epochs.value(), "conditional": self.conditional.isChecked()}))

    @staticmethod
    def _train_tip() -> str:
        return tr("A new run: a gated PixelCNN learns which codes follow which, so new\n"
                  "code grids can be sampled and decoded into new images")

    def set_ready(self, ready: bool) -> None:
        """Whether the run has a checkpoint to train or sample from."""
        # each button's own tip back once ready (it kept the waiting one before)
        for b, tip in ((self.train, self._train_tip()), (self.sample, "")):
            b.setEnabled(ready)
            b.setToolTip(tip if ready else tr("Waits for the run's first checkpoint"))

    def set_run(self, context, model, is_prior: bool) -> None:
        """A VQ-VAE run (`is_prior` False) offers training a prior; a prior's run, sampling it.
        A VQ-VAE-2's priors come one level at a time: its run offers the top level's, and the
        top level's run the bottom level's, whose run samples both."""
        from models import CONDITIONAL, GENERATE

        cfg = model.cfg
        self._mode = ("top" if is_prior and GENERATE not in model.capabilities
                      else "prior" if is_prior else "vq2" if cfg.model == "vqvae2" else "vq")
        trains = self._mode != "prior"
        for w in (self.epochs, self.train):
            w.setVisible(trains)
        self.conditional.setVisible(self._mode in ("vq", "vq2"))   # the bottom level follows the top's
        for w in (self.condition, self.seed, self.sample, self.img):
            w.setVisible(not trains)
        self.img.set_pixmap(None)
        self.train.setText(self._train_text())
        if self._mode in ("vq", "vq2"):
            self._info = self._n_classes = None
            self._draw_info()
            return
        cfg = model.cfg
        self.condition.clear()
        conditional = CONDITIONAL in model.capabilities
        self._n_classes = cfg.n_classes if conditional else None
        self.condition.setVisible(conditional and self._mode == "prior")
        if conditional:
            self.set_labels([])
        self._info = (cfg, context.last_metrics.get("test_bits_per_code"))
        self._draw_info()

    def _train_text(self) -> str:
        mode = getattr(self, "_mode", "vq")
        if mode == "vq2":
            return tr("Train the top-level prior")
        if mode == "top":
            return tr("Train the bottom-level prior")
        return tr("Train a PixelCNN prior")

    def _draw_info(self) -> None:
        mode = getattr(self, "_mode", "vq")
        if mode == "vq2":
            self.info.setText(tr("A VQ-VAE-2 has a prior per level. First the top level: a PixelCNN with "
                                 "self-attention (PixelSNAIL-style) over the top codes. Open its run, listed under "
                                 "Runs, to train the bottom level's, which predicts each bottom code from the ones "
                                 "before it and from the top codes."))
            return
        if mode == "top" and self._info is not None:
            cfg, bits = self._info
            text = tr("The top level's prior over {vq_run}").format(vq_run=cfg.vq_run.rstrip('/').split('/')[-1])
            if bits is not None:
                text += tr(", {bits:.2f} bits per code on test grids").format(bits=bits)
            self.info.setText(text + ". " + tr("It draws top codes only: train the bottom level's prior from here "
                                               "to draw images (top codes from this prior, then bottom codes)."))
            return
        if self._info is None:
            self.info.setText(tr("Train a PixelCNN over this VQ-VAE's code grids to sample new images: it "
                                 "predicts each code from the ones above and to the left. The prior is a new "
                                 "run, listed under Runs; open it to sample here."))
            return
        cfg, bits = self._info
        vq = cfg.vq_run.rstrip('/').split('/')[-1]
        if bits is not None:
            text = tr("A {layers}-layer gated PixelCNN over the codes of {vq_run}, {bits:.2f} bits per code "
                      "on test grids.").format(layers=cfg.pixelcnn_layers, vq_run=vq, bits=bits)
        else:
            text = tr("A {layers}-layer gated PixelCNN over the codes of {vq_run}.").format(
                layers=cfg.pixelcnn_layers, vq_run=vq)
        self.info.setText(text + " " + tr("Sampling draws codes one position at a time, then decodes them."))

    def retranslate(self) -> None:
        """The formatted texts in the language now installed."""
        self.sample.setText(tr("Sample {n}").format(n=PRIOR_SAMPLES))
        self.train.setText(self._train_text())
        if self._info is not None:
            self._draw_info()
        if getattr(self, "_n_classes", None) is not None:
            self.set_labels(self._names)
        retranslate_image(self.img)

    def set_labels(self, names: list) -> None:
        """The class choices of a conditional prior, named once the dataset is loaded."""
        n = getattr(self, "_n_classes", None)
        if n is None:
            return     # not conditioned on a class
        self._names = list(names)
        keep = self.condition.currentIndex()
        with QtCore.QSignalBlocker(self.condition):
            self.condition.clear()
            self.condition.addItem(tr("every class"), None)
            for k in range(n):
                self.condition.addItem(tr("class {name}").format(name=names[k] if k < len(names) else k), k)
            self.condition.setCurrentIndex(max(0, keep))

    def sampling(self) -> None:
        self.img.set_pixmap(None)
        self.img.setText(tr("Sampling codes position by position…"))

    def show_samples(self, arr) -> None:
        self.img.set_pixmap(rgb_pixmap(arr))
