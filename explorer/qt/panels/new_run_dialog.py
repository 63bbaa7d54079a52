"""New Run dialog: model, dataset, and hyperparameters with each model's defaults."""
from __future__ import annotations

import re
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from explorer.core.training.worker import WorkerSpec

from ..palette import ERROR

MODEL_HELP = {
    "ae": "autoencoder: reconstruct the input through a small latent code",
    "dae": "denoising autoencoder: reconstruct the clean input from a corrupted copy",
    "vae": "variational autoencoder: ELBO = reconstruction + KL, a prior to sample from",
    "cvae": "conditional VAE: the class is given to encoder and decoder",
    "vqvae": "VQ-VAE: a codebook of discrete codes instead of a continuous latent",
    "gan": "GAN with MLP generator and discriminator",
    "dcgan": "DCGAN: convolutional generator and discriminator (images only)",
    "cgan": "conditional GAN: generate a chosen class",
}
TOY = ("ring8", "grid25", "moons", "spiral")


def _float_edit(value: float, tip: str = "") -> QtWidgets.QLineEdit:
    e = QtWidgets.QLineEdit(f"{value:g}")
    e.setValidator(QtGui.QDoubleValidator(0.0, 1e9, 12, e))
    e.setMaximumWidth(110)
    e.setToolTip(tip)
    return e


def _int_spin(value: int, lo: int, hi: int, tip: str = "") -> QtWidgets.QSpinBox:
    s = QtWidgets.QSpinBox()
    s.setRange(lo, hi)
    s.setValue(value)
    s.setToolTip(tip)
    return s


class NewRunDialog(QtWidgets.QDialog):
    def __init__(self, runs_root: Path, devices: list[str], parent=None, base: dict | None = None):
        """`base`: {"model_cfg": ModelConfig, "train_cfg": TrainConfig, "name": str} to duplicate."""
        super().__init__(parent)
        from explorer.core.data.datasets import OFFLINE, TORCHVISION
        from models import MODEL_NAMES

        self.setWindowTitle("New run" if base is None else f"Duplicate {base['name']}")
        self.runs_root = Path(runs_root)
        self._base = base
        self.model = QtWidgets.QComboBox()
        for m in MODEL_NAMES:
            self.model.addItem(f"{m} — {MODEL_HELP[m]}", m)
        self.dataset = QtWidgets.QComboBox()
        self.dataset.setEditable(False)
        for d in OFFLINE:
            self.dataset.addItem(d, d)
        for d in TORCHVISION:
            self.dataset.addItem(f"{d} (torchvision; needs the files or --download)", d)
        self.dataset.addItem("a folder of images…", "folder:")
        self.folder = ""
        self.name = QtWidgets.QLineEdit()
        self.name.setToolTip(f"Directory under {self.runs_root}")

        self.length = _int_spin(10, 1, 10_000_000, "How long to train")
        self.unit = QtWidgets.QComboBox()
        self.unit.addItems(["epochs", "steps"])
        length_row = QtWidgets.QHBoxLayout()
        length_row.addWidget(self.length)
        length_row.addWidget(self.unit)
        length_row.addStretch(1)
        self.batch_size = _int_spin(128, 1, 65536)
        self.lr = _float_edit(1e-3, "Adam learning rate")
        self.latent_dim = _int_spin(20, 1, 4096, "Size of the latent vector z")
        self.seed = _int_spin(0, 0, 2**31 - 1, "Same seed, same run (on the CPU)")
        self.device = QtWidgets.QComboBox()
        self.device.addItem("auto (GPU if there is one)", "auto")
        for d in devices:
            self.device.addItem(d, d)

        form = QtWidgets.QFormLayout()
        form.addRow("Model", self.model)
        form.addRow("Dataset", self.dataset)
        form.addRow("Run name", self.name)
        form.addRow("Train for", length_row)
        form.addRow("Batch size", self.batch_size)
        form.addRow("Learning rate", self.lr)
        form.addRow("Latent dimension", self.latent_dim)
        form.addRow("Seed", self.seed)
        form.addRow("Device", self.device)

        # family settings, shown for the families they apply to
        self.beta = _float_edit(1.0, "Weight of the KL term (beta-VAE)")
        self.kl_warmup = _int_spin(0, 0, 10_000_000, "Steps over which the KL weight ramps up from 0")
        self.likelihood = QtWidgets.QComboBox()
        self.likelihood.addItems(["bernoulli", "gaussian"])
        self.noise = QtWidgets.QComboBox()
        self.noise.addItems(["gaussian", "masking", "saltpepper"])
        self.noise_level = _float_edit(0.3, "Noise std, or drop/flip probability")
        self.codebook_size = _int_spin(512, 2, 65536, "K, the number of codes")
        self.code_dim = _int_spin(32, 1, 1024, "Length of each code vector")
        self.commitment = _float_edit(0.25, "Commitment loss weight (0.25 in the paper)")
        self.ema = QtWidgets.QCheckBox("EMA codebook updates")
        self.restarts = QtWidgets.QCheckBox("Restart dead codes")
        self.restarts.setChecked(True)
        self.gan_loss = QtWidgets.QComboBox()
        self.gan_loss.addItem("non-saturating", "ns")
        self.gan_loss.addItem("minimax (original)", "minimax")
        self.pack = _int_spin(1, 1, 16, "PacGAN: samples per discriminator input (2-4 fight collapse)")
        self.minibatch_std = QtWidgets.QCheckBox("Minibatch-std feature in D")
        self.label_smoothing = _float_edit(0.0, "One-sided: real targets become 1 - this")
        self.lr_d = _float_edit(0.0, "0 = same as the learning rate")
        self.lr_g = _float_edit(0.0, "0 = same as the learning rate")
        self.groups = {}
        for fam, rows in {
            "vae": [("KL weight β", self.beta), ("KL warm-up steps", self.kl_warmup), ("Decoder", self.likelihood)],
            "dae": [("Noise", self.noise), ("Noise level", self.noise_level)],
            "vqvae": [("Codebook size K", self.codebook_size), ("Code dimension", self.code_dim),
                      ("Commitment β", self.commitment), ("", self.ema), ("", self.restarts)],
            "gan": [("Loss", self.gan_loss), ("Packing m", self.pack), ("", self.minibatch_std),
                    ("Label smoothing", self.label_smoothing), ("D learning rate", self.lr_d),
                    ("G learning rate", self.lr_g)],
        }.items():
            box = QtWidgets.QGroupBox({"vae": "VAE", "dae": "Denoising", "vqvae": "VQ-VAE", "gan": "GAN"}[fam])
            f = QtWidgets.QFormLayout(box)
            for label, w in rows:
                f.addRow(label, w)
            self.groups[fam] = box

        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.Ok | QtWidgets.QDialogButtonBox.Cancel)
        buttons.button(QtWidgets.QDialogButtonBox.Ok).setText("Train")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.error = QtWidgets.QLabel("")
        self.error.setStyleSheet(f"color: {ERROR};")
        lay = QtWidgets.QVBoxLayout(self)
        lay.addLayout(form)
        for box in self.groups.values():
            lay.addWidget(box)
        lay.addWidget(self.error)
        lay.addWidget(buttons)

        self.model.currentIndexChanged.connect(self._model_changed)
        self.dataset.currentIndexChanged.connect(self._dataset_changed)
        self._name_edited = False
        self.name.textEdited.connect(lambda _: setattr(self, "_name_edited", True))
        if base is not None:
            self._prefill(base)
        else:
            self._model_changed()

    # -- behaviour -------------------------------------------------------------------
    @property
    def model_name(self) -> str:
        return self.model.currentData()

    @property
    def dataset_name(self) -> str:
        d = self.dataset.currentData()
        return f"folder:{self.folder}" if d == "folder:" else d

    def _kind(self) -> str:
        return "points" if self.dataset.currentData() in TOY else "image"

    def _family(self) -> str:
        from models import FAMILIES
        fam = FAMILIES[self.model_name]
        return "dae" if self.model_name == "dae" else ("vae" if fam == "vae" else fam)

    def _dataset_changed(self):
        if self.dataset.currentData() == "folder:":
            path = QtWidgets.QFileDialog.getExistingDirectory(self, "Folder of images (sub-folders are labels)")
            if path:
                self.folder = path
                self.dataset.setItemText(self.dataset.currentIndex(), f"folder: {path}")
        self._model_changed()

    def _model_changed(self):
        self._apply_defaults()
        for fam, box in self.groups.items():
            box.setVisible(fam == self._family())
        self.adjustSize()

    def _apply_defaults(self):
        from explorer.core.training.config import TrainConfig, defaults_for
        from models import ModelConfig

        m, t = defaults_for(self.model_name, self._kind())
        mc, tc = ModelConfig(**{k: v for k, v in m.items()}), TrainConfig(**t)
        self._fill(mc, tc)
        if not self._name_edited:
            self.name.setText(self._free_name(f"{self.model_name}-{re.sub(r'[^A-Za-z0-9_-]+', '-', self.dataset_name.split(':')[0])}"))

    def _free_name(self, stem: str) -> str:
        from explorer.core.runs import free_run_name
        return free_run_name(self.runs_root, stem, numbered=True)

    def _fill(self, mc, tc):
        if tc.steps is not None:
            self.unit.setCurrentText("steps")
            self.length.setValue(int(tc.steps))
        else:
            self.unit.setCurrentText("epochs")
            self.length.setValue(int(tc.epochs or 10))
        self.batch_size.setValue(tc.batch_size)
        self.lr.setText(f"{tc.lr:g}")
        self.seed.setValue(tc.seed)
        self.latent_dim.setValue(mc.latent_dim)
        self.beta.setText(f"{mc.beta:g}")
        self.kl_warmup.setValue(mc.kl_warmup)
        self.likelihood.setCurrentText(mc.likelihood)
        self.noise.setCurrentText(mc.noise)
        self.noise_level.setText(f"{mc.noise_level:g}")
        self.codebook_size.setValue(mc.codebook_size)
        self.code_dim.setValue(mc.code_dim)
        self.commitment.setText(f"{mc.commitment:g}")
        self.ema.setChecked(mc.ema)
        self.restarts.setChecked(mc.restarts)
        self.gan_loss.setCurrentIndex(0 if mc.gan_loss == "ns" else 1)
        self.pack.setValue(mc.pack)
        self.minibatch_std.setChecked(mc.minibatch_std)
        self.label_smoothing.setText(f"{mc.label_smoothing:g}")
        self.lr_d.setText(f"{tc.lr_d or 0:g}")
        self.lr_g.setText(f"{tc.lr_g or 0:g}")

    def _prefill(self, base):
        mc, tc = base["model_cfg"], base["train_cfg"]
        with QtCore.QSignalBlocker(self.model):
            self.model.setCurrentIndex(max(0, self.model.findData(mc.model)))
        i = self.dataset.findData(tc.dataset)
        if i < 0 and tc.dataset.startswith("folder:"):
            self.folder = tc.dataset[len("folder:"):]
            i = self.dataset.findData("folder:")
            self.dataset.setItemText(i, f"folder: {self.folder}")
        with QtCore.QSignalBlocker(self.dataset):
            self.dataset.setCurrentIndex(max(0, i))
        self._fill(mc, tc)
        self.name.setText(self._free_name(f"{base['name']}-copy"))
        self._name_edited = True
        self._base_overrides = {k: v for k, v in mc.to_dict().items()
                                if k in ("hidden", "channels", "arch", "maxout", "init_std", "g_batchnorm",
                                         "restart_after", "kmeans_init", "ema_decay")}
        for fam, box in self.groups.items():
            box.setVisible(fam == self._family())

    def _accept(self):
        if not self.name.text().strip():
            self.error.setText("Give the run a name.")
            return
        if (self.runs_root / self.name.text().strip()).exists():
            self.error.setText(f"{self.runs_root / self.name.text().strip()} exists; choose another name.")
            return
        if self.dataset.currentData() == "folder:" and not self.folder:
            self.error.setText("Choose a folder of images.")
            return
        self.accept()

    def spec(self) -> WorkerSpec:
        fam = self._family()
        mo: dict = {"latent_dim": self.latent_dim.value(), **getattr(self, "_base_overrides", {})}
        if fam == "vae":
            mo.update(beta=float(self.beta.text()), kl_warmup=self.kl_warmup.value(),
                      likelihood=self.likelihood.currentText())
        elif fam == "dae":
            mo.update(noise=self.noise.currentText(), noise_level=float(self.noise_level.text()))
        elif fam == "vqvae":
            mo.update(codebook_size=self.codebook_size.value(), code_dim=self.code_dim.value(),
                      commitment=float(self.commitment.text()), ema=self.ema.isChecked(),
                      restarts=self.restarts.isChecked())
        elif fam == "gan":
            mo.update(gan_loss=self.gan_loss.currentData(), pack=self.pack.value(),
                      minibatch_std=self.minibatch_std.isChecked(),
                      label_smoothing=float(self.label_smoothing.text()))
        to: dict = {"batch_size": self.batch_size.value(), "lr": float(self.lr.text()),
                    "seed": self.seed.value(), "device": self.device.currentData()}
        to["steps" if self.unit.currentText() == "steps" else "epochs"] = self.length.value()
        if fam == "gan":
            to.update(lr_d=float(self.lr_d.text()) or None, lr_g=float(self.lr_g.text()) or None)
        return WorkerSpec(run_dir=str(self.runs_root / self.name.text().strip()), model=self.model_name,
                          dataset=self.dataset_name, model_overrides=mo, train_overrides=to)
