"""New Run dialog: model, dataset, and hyperparameters with each model's defaults; the
output folder; an estimate of how long the run will take on this machine. The last
choices accepted are remembered (QSettings) and offered the next time."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from explorer.core.training.worker import WorkerSpec

from ..i18n import QT_TR_NOOP, tr
from ..palette import ERROR
from .run_estimate import EstimateLabel
from .run_fields import LIKELIHOODS, NOISES, UNITS, float_edit, int_spin, out_dir_problem, select_data, value_combo

MODEL_HELP = {
    "ae": QT_TR_NOOP("autoencoder: reconstruct the input through a small latent code"),
    "dae": QT_TR_NOOP("denoising autoencoder: reconstruct the clean input from a corrupted copy"),
    "vae": QT_TR_NOOP("variational autoencoder: ELBO = reconstruction + KL, a prior to sample from"),
    "cvae": QT_TR_NOOP("conditional VAE: the class is given to encoder and decoder"),
    "vqvae": QT_TR_NOOP("VQ-VAE: a codebook of discrete codes instead of a continuous latent"),
    "vqvae2": QT_TR_NOOP("VQ-VAE-2: top codes for the global shape, bottom codes for the detail (images only)"),
    "gan": QT_TR_NOOP("GAN with MLP generator and discriminator"),
    "dcgan": QT_TR_NOOP("DCGAN: convolutional generator and discriminator (images only)"),
    "cgan": QT_TR_NOOP("conditional GAN: generate a chosen class"),
}
TOY = ("ring8", "grid25", "moons", "spiral")
SETTINGS_KEY = "new_run/last"


class NewRunDialog(QtWidgets.QDialog):
    def __init__(self, runs_root: Path, devices: list[str], parent=None, base: dict | None = None,
                 settings: QtCore.QSettings | None = None):
        """`base`: {"model_cfg": ModelConfig, "train_cfg": TrainConfig, "name": str} to duplicate.
        `settings`: where the last choices are kept (default: the parent window's settings,
        else the user's QSettings("LatentExplorer", "Latent Explorer"))."""
        super().__init__(parent)
        from explorer.core.data.datasets import OFFLINE, TORCHVISION
        from models import MODEL_NAMES

        self.runs_root = Path(runs_root)
        self._base = base
        if settings is None and isinstance(getattr(parent, "settings", None), QtCore.QSettings):
            settings = parent.settings
        self.settings = settings if settings is not None else QtCore.QSettings("LatentExplorer", "Latent Explorer")
        # where new run folders are proposed: the parent of the last run made here, while it exists
        parent_dir = self._last().get("out_parent")
        self.out_parent = (Path(parent_dir) if isinstance(parent_dir, str) and parent_dir
                           and Path(parent_dir).is_dir() else self.runs_root)
        self._torchvision = set(TORCHVISION)
        self.model = QtWidgets.QComboBox()
        for m in MODEL_NAMES:
            self.model.addItem(m, m)
        self.dataset = QtWidgets.QComboBox()
        self.dataset.setEditable(False)
        for d in (*OFFLINE, *TORCHVISION, "folder:"):
            self.dataset.addItem(d, d)
        self.folder = ""
        self.out_dir = QtWidgets.QLineEdit()
        self.browse = QtWidgets.QPushButton(tr("Browse…"))
        self.browse.setToolTip(tr("Choose the parent folder, or an empty folder, for the run"))
        self.browse.clicked.connect(self._browse)
        out_row = QtWidgets.QHBoxLayout()
        out_row.addWidget(self.out_dir, 1)
        out_row.addWidget(self.browse)

        self.length = int_spin(10, 1, 10_000_000, tr("How long to train"))
        self.unit = value_combo(UNITS)
        length_row = QtWidgets.QHBoxLayout()
        length_row.addWidget(self.length)
        length_row.addWidget(self.unit)
        length_row.addStretch(1)
        self.batch_size = int_spin(128, 1, 65536)
        self.lr = float_edit(1e-3, tr("Adam learning rate"))
        self.latent_dim = int_spin(20, 1, 4096, tr("Size of the latent vector z"))
        self.seed = int_spin(0, 0, 2**31 - 1, tr("Same seed, same run (on the CPU)"))
        self.device = QtWidgets.QComboBox()
        self.device.addItem(tr("auto (GPU if there is one)"), "auto")
        for d in devices:
            self.device.addItem(d, d)

        form = QtWidgets.QFormLayout()
        form.addRow(tr("Model"), self.model)
        form.addRow(tr("Dataset"), self.dataset)
        form.addRow(tr("Output folder"), out_row)
        form.addRow(tr("Train for"), length_row)
        form.addRow(tr("Batch size"), self.batch_size)
        form.addRow(tr("Learning rate"), self.lr)
        form.addRow(tr("Latent dimension"), self.latent_dim)
        form.addRow(tr("Seed"), self.seed)
        form.addRow(tr("Device"), self.device)

        # family settings, shown for the families they apply to
        self.beta = float_edit(1.0, tr("Weight of the KL term (beta-VAE)"))
        self.kl_warmup = int_spin(0, 0, 10_000_000, tr("Steps over which the KL weight ramps up from 0"))
        self.likelihood = value_combo(LIKELIHOODS)
        self.noise = value_combo(NOISES)
        self.noise_level = float_edit(0.3, tr("Noise std, or drop/flip probability"))
        self.codebook_size = int_spin(512, 2, 65536, tr("K, the number of codes"))
        self.code_dim = int_spin(32, 1, 1024, tr("Length of each code vector"))
        self.top_codebook_size = int_spin(512, 2, 65536, tr("VQ-VAE-2: K of the top level (the one above is the "
                                                            "bottom level's)"))
        self.commitment = float_edit(0.25, tr("Commitment loss weight (0.25 in the paper)"))
        self.ema = QtWidgets.QCheckBox(tr("EMA codebook updates"))
        self.restarts = QtWidgets.QCheckBox(tr("Restart dead codes"))
        self.restarts.setChecked(True)
        self.gan_loss = QtWidgets.QComboBox()
        self.gan_loss.addItem(tr("non-saturating"), "ns")
        self.gan_loss.addItem(tr("minimax (original)"), "minimax")
        self.pack = int_spin(1, 1, 16, tr("PacGAN: samples per discriminator input (2-4 fight collapse)"))
        self.minibatch_std = QtWidgets.QCheckBox(tr("Minibatch-std feature in D"))
        self.label_smoothing = float_edit(0.0, tr("One-sided: real targets become 1 - this"))
        self.lr_d = float_edit(0.0, tr("0 = same as the learning rate"))
        self.lr_g = float_edit(0.0, tr("0 = same as the learning rate"))
        self.groups = {}
        for fam, rows in {
            "vae": [(tr("KL weight β"), self.beta), (tr("KL warm-up steps"), self.kl_warmup),
                    (tr("Decoder"), self.likelihood)],
            "dae": [(tr("Noise"), self.noise), (tr("Noise level"), self.noise_level)],
            "vqvae": [(tr("Codebook size K"), self.codebook_size), (tr("Top codebook size K"), self.top_codebook_size),
                      (tr("Code dimension"), self.code_dim),
                      (tr("Commitment β"), self.commitment), ("", self.ema), ("", self.restarts)],
            "gan": [(tr("Loss"), self.gan_loss), (tr("Packing m"), self.pack), ("", self.minibatch_std),
                    (tr("Label smoothing"), self.label_smoothing), (tr("D learning rate"), self.lr_d),
                    (tr("G learning rate"), self.lr_g)],
        }.items():
            box = QtWidgets.QGroupBox({"vae": "VAE", "dae": tr("Denoising"), "vqvae": "VQ-VAE", "gan": "GAN"}[fam])
            f = QtWidgets.QFormLayout(box)
            for label, w in rows:
                f.addRow(label, w)
            if fam == "vqvae":
                self.vq_form = f
            self.groups[fam] = box

        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.Ok | QtWidgets.QDialogButtonBox.Cancel)
        buttons.button(QtWidgets.QDialogButtonBox.Ok).setText(tr("Train"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.error = QtWidgets.QLabel("")
        self.error.setStyleSheet(f"color: {ERROR};")
        self.error.setWordWrap(True)
        self._error_render = None   # makes the error line again when the language changes
        self.estimate = EstimateLabel(self._estimate_inputs)
        form.addRow(tr("Estimated time"), self.estimate)
        lay = QtWidgets.QVBoxLayout(self)
        lay.addLayout(form)
        for box in self.groups.values():
            lay.addWidget(box)
        lay.addWidget(self.error)
        lay.addWidget(buttons)

        self._set_texts()
        self.model.currentIndexChanged.connect(self._model_changed)
        self.dataset.currentIndexChanged.connect(self._dataset_changed)
        self._name_edited = False
        self.out_dir.textEdited.connect(self._out_edited)
        if base is not None:
            self._prefill(base)
        else:
            self._restore_last()
        for w in self._value_widgets().values():
            signal = {QtWidgets.QSpinBox: "valueChanged", QtWidgets.QLineEdit: "textChanged",
                      QtWidgets.QComboBox: "currentIndexChanged", QtWidgets.QCheckBox: "toggled"}
            getattr(w, signal[type(w)]).connect(self.estimate.schedule)
        self.model.currentIndexChanged.connect(self.estimate.schedule)
        self.dataset.currentIndexChanged.connect(self.estimate.schedule)
        self.device.currentIndexChanged.connect(self.estimate.schedule)
        self.finished.connect(self.estimate.stop)
        self.estimate.request()

    # -- texts -------------------------------------------------------------------------
    def _dataset_text(self, d: str) -> str:
        if d == "folder:":
            return tr("folder: {path}").format(path=self.folder) if self.folder else tr("a folder of images…")
        if d in self._torchvision:
            return tr("{dataset} (torchvision; needs the files or --download)").format(dataset=d)
        return d

    def _set_texts(self) -> None:
        """The texts made from names and paths, in the language now installed."""
        self.setWindowTitle(tr("New run") if self._base is None
                            else tr("Duplicate {name}").format(name=self._base["name"]))
        for i in range(self.model.count()):
            m = self.model.itemData(i)
            self.model.setItemText(i, f"{m} — {tr(MODEL_HELP[m])}" if m in MODEL_HELP else m)
        for i in range(self.dataset.count()):
            self.dataset.setItemText(i, self._dataset_text(self.dataset.itemData(i)))
        self.out_dir.setToolTip(tr("The folder the run is written to: a new or empty folder "
                                   "(a bare name is made under {runs})").format(runs=self.runs_root))

    def retranslate(self) -> None:
        self._set_texts()
        if self._error_render is not None:
            self.error.setText(self._error_render())

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
            path = QtWidgets.QFileDialog.getExistingDirectory(self, tr("Folder of images (sub-folders are labels)"))
            if path:
                self.folder = path
                self.dataset.setItemText(self.dataset.currentIndex(), self._dataset_text("folder:"))
        self._model_changed()

    def _model_changed(self):
        self._apply_defaults()
        for fam, box in self.groups.items():
            box.setVisible(fam == self._family())
        self.vq_form.setRowVisible(self.top_codebook_size, self.model_name == "vqvae2")
        self.batch_size.setToolTip(tr("Packs a step: D judges this many packs of m samples and G makes m times as "
                                      "many samples (PacGAN's batch)") if self._family() == "gan" else "")
        self.adjustSize()

    def _apply_defaults(self):
        from explorer.core.training.config import TrainConfig, defaults_for
        from models import ModelConfig

        m, t = defaults_for(self.model_name, self._kind())
        mc, tc = ModelConfig(**{k: v for k, v in m.items()}), TrainConfig(**t)
        self._fill(mc, tc)
        if not self._name_edited:
            stem = f"{self.model_name}-{re.sub(r'[^A-Za-z0-9_-]+', '-', self.dataset_name.split(':')[0])}"
            self.out_dir.setText(str(self.out_parent / self._free_name(stem)))

    def _free_name(self, stem: str) -> str:
        from explorer.core.runs import free_run_name
        return free_run_name(self.out_parent, stem, numbered=True)

    def _fill(self, mc, tc):
        if tc.steps is not None:
            select_data(self.unit, "steps")
            self.length.setValue(int(tc.steps))
        else:
            select_data(self.unit, "epochs")
            self.length.setValue(int(tc.epochs or 10))
        self.batch_size.setValue(tc.batch_size)
        self.lr.setText(f"{tc.lr:g}")
        self.seed.setValue(tc.seed)
        self.latent_dim.setValue(mc.latent_dim)
        self.beta.setText(f"{mc.beta:g}")
        self.kl_warmup.setValue(mc.kl_warmup)
        select_data(self.likelihood, mc.likelihood)
        select_data(self.noise, mc.noise)
        self.noise_level.setText(f"{mc.noise_level:g}")
        self.codebook_size.setValue(mc.codebook_size)
        self.top_codebook_size.setValue(mc.top_codebook_size)
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
            self.dataset.setItemText(i, self._dataset_text("folder:"))
        with QtCore.QSignalBlocker(self.dataset):
            self.dataset.setCurrentIndex(max(0, i))
        self._fill(mc, tc)
        self.out_dir.setText(str(self.out_parent / self._free_name(f"{base['name']}-copy")))
        self._name_edited = True
        self._base_overrides = {k: v for k, v in mc.to_dict().items()
                                if k in ("hidden", "channels", "arch", "maxout", "init_std", "g_batchnorm",
                                         "restart_after", "kmeans_init", "ema_decay", "bottom_downsample")}
        for fam, box in self.groups.items():
            box.setVisible(fam == self._family())
        self.vq_form.setRowVisible(self.top_codebook_size, self.model_name == "vqvae2")

    def _show_error(self, text) -> None:
        """One line under the settings (wrapped when long); the dialog grows to show it.
        `text`: the line, or a function that makes it (again when the language changes)."""
        self._error_render = text if callable(text) else None
        text = text() if callable(text) else text
        self.error.setText(text)
        if text:
            self.layout().activate()
            self.resize(self.width(), max(self.height(), self.sizeHint().height()))

    def _out_edited(self, _text: str) -> None:
        self._name_edited = True
        self._error_render = None
        self.error.setText("")

    def _browse(self) -> None:
        """A non-native folder chooser: an empty folder is used as it is; any other folder
        becomes the parent of a new run folder named as the current one."""
        dlg = QtWidgets.QFileDialog(self, tr("Output folder for the run"), str(self._browse_start()))
        dlg.setFileMode(QtWidgets.QFileDialog.Directory)
        dlg.setOption(QtWidgets.QFileDialog.ShowDirsOnly, True)
        dlg.setOption(QtWidgets.QFileDialog.DontUseNativeDialog, True)
        dlg.fileSelected.connect(self._folder_chosen)
        dlg.open()

    def _browse_start(self) -> Path:
        p = self.out_path()
        while p is not None and not p.is_dir() and p != p.parent:
            p = p.parent
        return p if p is not None and p.is_dir() else self.runs_root

    def _folder_chosen(self, path: str) -> None:
        if not path:
            return
        chosen = Path(path)
        try:
            empty = chosen.is_dir() and not os.listdir(chosen)
        except OSError:
            empty = False
        if not empty:   # a parent: a fresh run folder inside it
            current = self.out_path()
            stem = current.name if current is not None else self.model_name
            from explorer.core.runs import free_run_name
            chosen = chosen / free_run_name(chosen, stem)
        self.out_dir.setText(str(chosen))
        self._name_edited = True
        problem = out_dir_problem(chosen)
        self._show_error((lambda: out_dir_problem(chosen) or "") if problem else "")

    def out_path(self) -> Path | None:
        """The output folder typed or chosen; a bare name is under the runs folder."""
        text = self.out_dir.text().strip()
        if not text:
            return None
        p = Path(text).expanduser()
        return p if p.is_absolute() else self.runs_root / p

    def _accept(self):
        out = self.out_path()
        if out is None:
            self._show_error(tr("Choose an output folder for the run."))
            return
        problem = out_dir_problem(out)
        if problem:
            self._show_error(lambda: out_dir_problem(out) or "")
            return
        if self.dataset.currentData() == "folder:" and not self.folder:
            self._show_error(tr("Choose a folder of images."))
            return
        try:
            self._overrides()
        except ValueError:
            self._show_error(tr("A number field is empty or not a number."))
            return
        self._remember()
        self.accept()

    # -- remembered choices ----------------------------------------------------------
    def _value_widgets(self) -> dict:
        return {"length": self.length, "unit": self.unit, "batch_size": self.batch_size, "lr": self.lr,
                "latent_dim": self.latent_dim, "seed": self.seed, "beta": self.beta,
                "kl_warmup": self.kl_warmup, "likelihood": self.likelihood, "noise": self.noise,
                "noise_level": self.noise_level, "codebook_size": self.codebook_size,
                "top_codebook_size": self.top_codebook_size,
                "code_dim": self.code_dim, "commitment": self.commitment, "ema": self.ema,
                "restarts": self.restarts, "gan_loss": self.gan_loss, "pack": self.pack,
                "minibatch_std": self.minibatch_std, "label_smoothing": self.label_smoothing,
                "lr_d": self.lr_d, "lr_g": self.lr_g}

    def _remember(self) -> None:
        values = {}
        for key, w in self._value_widgets().items():
            if isinstance(w, QtWidgets.QSpinBox):
                values[key] = w.value()
            elif isinstance(w, QtWidgets.QLineEdit):
                values[key] = w.text()
            elif isinstance(w, QtWidgets.QCheckBox):
                values[key] = w.isChecked()
            else:
                values[key] = w.currentData() if w.currentData() is not None else w.currentText()
        out = self.out_path()
        last = {"model": self.model_name, "dataset": self.dataset.currentData(), "folder": self.folder,
                "device": self.device.currentData(), "values": values,
                "out_parent": str(out.parent) if out is not None else ""}
        self.settings.setValue(SETTINGS_KEY, json.dumps(last))
        self.settings.sync()

    def _last(self) -> dict:
        raw = self.settings.value(SETTINGS_KEY, "")
        try:
            last = json.loads(raw) if isinstance(raw, str) and raw else {}
        except ValueError:
            return {}
        return last if isinstance(last, dict) else {}

    def _restore_last(self) -> None:
        """The last accepted choices: model, dataset, device, then that model's settings
        (a model changed later starts from its own defaults again)."""
        last = self._last()
        i = self.model.findData(last.get("model"))
        if i >= 0:
            with QtCore.QSignalBlocker(self.model):
                self.model.setCurrentIndex(i)
        j = self.dataset.findData(last.get("dataset"))
        folder = last.get("folder") or ""
        if j >= 0 and (last.get("dataset") != "folder:" or (isinstance(folder, str) and Path(folder).is_dir())):
            with QtCore.QSignalBlocker(self.dataset):
                self.dataset.setCurrentIndex(j)
            if last.get("dataset") == "folder:":
                self.folder = folder
                self.dataset.setItemText(j, self._dataset_text("folder:"))
        k = self.device.findData(last.get("device"))
        if k >= 0:
            self.device.setCurrentIndex(k)
        self._model_changed()
        if i >= 0 and j >= 0 and isinstance(last.get("values"), dict):
            self._set_values(last["values"])

    def _set_values(self, values: dict) -> None:
        for key, w in self._value_widgets().items():
            if key not in values:
                continue
            v = values[key]
            try:
                if isinstance(w, QtWidgets.QSpinBox):
                    w.setValue(int(v))
                elif isinstance(w, QtWidgets.QLineEdit):
                    if w.validator() is None or w.validator().validate(str(v), 0)[0] == QtGui.QValidator.Acceptable:
                        w.setText(str(v))
                elif isinstance(w, QtWidgets.QCheckBox):
                    w.setChecked(bool(v))
                else:
                    idx = w.findData(v)
                    idx = idx if idx >= 0 else w.findText(str(v))
                    if idx >= 0:
                        w.setCurrentIndex(idx)
            except (TypeError, ValueError):
                continue

    # -- the estimate ----------------------------------------------------------------
    def _estimate_inputs(self):
        """(model, dataset, model overrides, train overrides), or None when the settings
        cannot be estimated yet (no folder chosen, a number field empty)."""
        if self.dataset.currentData() == "folder:" and not self.folder:
            return None
        try:
            mo, to = self._overrides()
        except ValueError:
            return None
        return self.model_name, self.dataset_name, mo, to

    @property
    def estimate_text(self) -> str:
        return self.estimate.text()

    def _overrides(self) -> tuple[dict, dict]:
        fam = self._family()
        mo: dict = {"latent_dim": self.latent_dim.value(), **getattr(self, "_base_overrides", {})}
        if fam == "vae":
            mo.update(beta=float(self.beta.text()), kl_warmup=self.kl_warmup.value(),
                      likelihood=self.likelihood.currentData())
        elif fam == "dae":
            mo.update(noise=self.noise.currentData(), noise_level=float(self.noise_level.text()))
        elif fam == "vqvae":
            if self.model_name == "vqvae2":
                mo["top_codebook_size"] = self.top_codebook_size.value()
            mo.update(codebook_size=self.codebook_size.value(), code_dim=self.code_dim.value(),
                      commitment=float(self.commitment.text()), ema=self.ema.isChecked(),
                      restarts=self.restarts.isChecked())
        elif fam == "gan":
            mo.update(gan_loss=self.gan_loss.currentData(), pack=self.pack.value(),
                      minibatch_std=self.minibatch_std.isChecked(),
                      label_smoothing=float(self.label_smoothing.text()))
        to: dict = {"batch_size": self.batch_size.value(), "lr": float(self.lr.text()),
                    "seed": self.seed.value(), "device": self.device.currentData()}
        to["steps" if self.unit.currentData() == "steps" else "epochs"] = self.length.value()
        if fam == "gan":
            to.update(lr_d=float(self.lr_d.text()) or None, lr_g=float(self.lr_g.text()) or None)
        return mo, to

    def spec(self) -> WorkerSpec:
        mo, to = self._overrides()
        out = self.out_path()
        return WorkerSpec(run_dir=str(out) if out is not None else "", model=self.model_name,
                          dataset=self.dataset_name, model_overrides=mo, train_overrides=to)
