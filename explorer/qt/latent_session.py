"""The state the latent-space panels share for the run on screen: the points on
the map (encoded data, or a GAN's noise / feature space), the map itself and its
lifter, the probe (the latent under the user's click) and the selected sample.

Slow work happens elsewhere: encoding in a background thread (jobs.py), UMAP
and t-SNE in the map service process. PCA is computed at once and shown first;
the slower map replaces it, aligned onto it (Procrustes) so it does not jump.
Decoding a probe runs on the GUI thread with the window's own copy of the
weights: ~0.3 ms for the MLP models, a few ms for conv decoders.
"""
from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field

import numpy as np
import torch
from PySide6 import QtCore

from models import ADVERSARIAL, CONDITIONAL, DECODE, DENOISING, ENCODE

from .i18n import QT_TR_NOOP, tr
from .jobs import Progress

SLOW_METHODS = ("umap", "tsne")
FOLLOW_EVERY_S = 20.0   # while a run trains, re-map its data at most this often


@dataclass
class Coloring:
    name: str
    values: np.ndarray          # (n,) ints (categorical) or floats
    categorical: bool
    names: list = field(default_factory=list)   # category names
    names_are_text: bool = False                 # the names are words of ours (QT_TR_NOOP), not the data's

    def title(self) -> str:
        """The name a user reads (the name itself is the key of PointSet.colorings)."""
        return coloring_title(self.name)

    def shown_names(self) -> list:
        from explorer.core.said import text_of   # a data set's own label names: "mode 3" is said again
        return [tr(n) for n in self.names] if self.names_are_text else [text_of(n) for n in self.names]


@dataclass
class PointSet:
    """What the map shows: one row per point, the vectors that get projected."""
    source: str                 # "latents" | "noise" | "features"
    vectors: np.ndarray         # (n, d) float32
    labels: np.ndarray
    label_names: list
    colorings: dict
    encoded: object = None      # latents.EncodedData
    noise: object = None        # gan_maps.NoiseMap
    joint: object = None        # gan_maps.JointFeatures
    step: int = 0

    @property
    def decodable(self) -> bool:
        """A lifted point means something to the decoder (not so in classifier feature space)."""
        return self.source in ("latents", "noise")


def sources_for(model, data_kind: str) -> list[str]:
    caps = model.capabilities
    if ENCODE in caps:
        return ["latents"]
    out = ["noise"] if DECODE in caps else []
    if ADVERSARIAL in caps and data_kind == "image":
        out.append("features")
    return out


SOURCE_TITLES = {"latents": QT_TR_NOOP("encoder latents"), "noise": QT_TR_NOOP("generator noise z"),
                 "features": QT_TR_NOOP("real vs generated (classifier features)")}   # tr() where shown

# the colourings' names (keys of PointSet.colorings) as a user reads them
COLORING_TITLES = {"label": QT_TR_NOOP("label"), "reconstruction error": QT_TR_NOOP("reconstruction error"),
                   "KL": "KL", "split": QT_TR_NOOP("split"), "label of G(z)": QT_TR_NOOP("label of G(z)"),
                   "classifier confidence": QT_TR_NOOP("classifier confidence"),
                   "real or generated": QT_TR_NOOP("real or generated")}
FACTOR_TITLES = {"shape": QT_TR_NOOP("shape"), "scale": QT_TR_NOOP("scale"), "rotation": QT_TR_NOOP("rotation")}
SPLIT_NAMES = [QT_TR_NOOP("train"), QT_TR_NOOP("test")]
JOINT_NAMES = [QT_TR_NOOP("real"), QT_TR_NOOP("generated")]
# the map service's stages (explorer/core/maps/service.py, projection.py)
STAGES = {"neighbours": QT_TR_NOOP("neighbours"), "layout": QT_TR_NOOP("layout"),
          "placing": QT_TR_NOOP("placing")}


def coloring_title(name: str) -> str:
    if name.startswith("factor: "):
        factor = name[len("factor: "):]
        return tr("factor: {name}").format(name=tr(FACTOR_TITLES[factor]) if factor in FACTOR_TITLES else factor)
    return tr(COLORING_TITLES[name]) if name in COLORING_TITLES else name


def method_name(method: str) -> str:
    """UMAP, TSNE, PCA: a projection's name in the status lines (a name: not translated)."""
    return method.upper()


DEFAULT_POINTS = 5000
ALL_POINTS = 10 ** 9       # "all": more than any dataset here
POINT_CHOICES = (5000, 20_000, 70_000, ALL_POINTS)


def build_points(model, data, source: str, step: int, cancel: threading.Event | None = None,
                 cap: int = DEFAULT_POINTS, progress=None) -> PointSet:
    """Runs off the GUI thread; `progress(done, total)` as latents are encoded."""
    from explorer.core.data.classifier import get_classifier

    if source == "latents":
        from explorer.core.maps.encoding import encode_data

        enc = encode_data(model, data, cap=cap, step=step, cancel=cancel, progress=progress)
        col = {"label": Coloring("label", enc.labels, True, list(enc.label_names)),
               "reconstruction error": Coloring("reconstruction error", enc.recon_error, False)}
        if enc.kl is not None:
            col["KL"] = Coloring("KL", enc.kl, False)
        for name, values in enc.factors.items():
            categorical = name == "shape"
            names = list(data.label_names) if categorical else []
            col[f"factor: {name}"] = Coloring(f"factor: {name}", np.asarray(values), categorical, names)
        col["split"] = Coloring("split", enc.split.astype(np.int64), True, list(SPLIT_NAMES), names_are_text=True)
        return PointSet("latents", enc.latents, enc.labels, list(enc.label_names), col, encoded=enc, step=step)
    from explorer.core.maps.gan_maps import joint_feature_map, noise_map

    clf = get_classifier(data, model.device) if data.kind == "image" else None
    if source == "noise":
        nm = noise_map(model, data, clf, n=min(cap, 3000))
        col = {"label of G(z)": Coloring("label of G(z)", nm.labels, True, list(nm.label_names)),
               "classifier confidence": Coloring("classifier confidence", nm.confidence, False)}
        return PointSet("noise", nm.z, nm.labels, list(nm.label_names), col, noise=nm, step=step)
    jf = joint_feature_map(model, data, clf, n_real=min(cap, 2000), n_generated=min(cap, 2000))
    col = {"real or generated": Coloring("real or generated", jf.source.astype(np.int64), True,
                                         list(JOINT_NAMES), names_are_text=True),
           "label": Coloring("label", jf.labels, True, list(jf.label_names))}
    return PointSet("features", jf.features, jf.labels, list(jf.label_names), col, joint=jf, step=step)


class LatentSession(QtCore.QObject):
    points_changed = QtCore.Signal()     # a new PointSet (new run, checkpoint or source)
    map_changed = QtCore.Signal()        # new coordinates and lifter
    status = QtCore.Signal(str, float)   # message, progress 0..1 (-1: none)
    probe_changed = QtCore.Signal()
    selection_changed = QtCore.Signal()

    def __init__(self, jobs, map_service=None, parent=None):
        super().__init__(parent)
        self.jobs = jobs
        self.service = map_service
        self.context = None
        self.points: PointSet | None = None
        self.map = None            # latent_map.LatentMap
        self.lifter = None         # latent_map.MapLifter
        self.method = "auto"       # what the user asked for; auto: raw for 2-D latents, else UMAP
        self.cap = DEFAULT_POINTS  # samples encoded and drawn (a stratified sample above it)
        self.source = None
        self.probe_xy = None
        self.probe_z = None
        self.probe_off = 0.0
        self.probe_row = -1        # nearest point to the probe
        self.selected = -1         # a point the user clicked on
        self._job_ids = itertools.count()
        self._pending_job = None
        self._last_follow = 0.0
        self.training = False      # this window trains the run shown: slow maps wait (set_training)
        self._deferred = False     # a slow map was put off while training
        self._cancel = None
        self._status_render = None   # makes the last status line (again, in a new language)
        self.status_fraction = -1.0
        self._service_timer = QtCore.QTimer(self)
        self._service_timer.setInterval(100)
        self._service_timer.timeout.connect(self._poll_service)
        if self.service is not None:
            self._service_timer.start()

    # -- the status line -----------------------------------------------------------------
    def _say(self, render, fraction: float = -1.0) -> None:
        """Emit the status line `render()` makes; kept, so status_text() makes it again."""
        self._status_render, self.status_fraction = render, fraction
        self.status.emit(render(), fraction)

    def status_text(self) -> str:
        """The last status line, in the language installed now."""
        return "" if self._status_render is None else self._status_render()

    # -- the run ---------------------------------------------------------------------
    @property
    def model(self):
        return None if self.context is None or self.context.loaded is None else self.context.loaded.model

    @property
    def data(self):
        return self.context.data()

    def sources(self) -> list[str]:
        m = self.model
        return [] if m is None else sources_for(m, self.context.model_cfg.data_kind)

    def set_context(self, context) -> None:
        self.context = context
        self._deferred = False
        for job in ("points", "lifter"):
            self.jobs.cancel(job)
        if self._pending_job is not None and self.service is not None:
            self.service.cancel(self._pending_job)
        self._pending_job = None
        self.points = self.map = self.lifter = None
        self.probe_xy = self.probe_z = None
        self.selected = self.probe_row = -1
        srcs = self.sources()
        self.source = srcs[0] if srcs else None
        self.points_changed.emit()
        self.map_changed.emit()
        self.refresh()

    def set_source(self, source: str) -> None:
        if source != self.source and source in self.sources():
            self.source = source
            self.refresh()

    def set_cap(self, cap: int) -> None:
        """How many samples the map shows (POINT_CHOICES; ALL_POINTS: every one): re-encoded
        in the background, the map made again (UMAP above its fit limit on a sample)."""
        cap = int(cap)
        if cap != self.cap:
            self.cap = cap
            if self.context is not None:
                self.refresh()

    def set_method(self, method: str) -> None:
        self.method = method
        if self.points is not None:
            self._project()

    def set_training(self, on: bool) -> None:
        """Whether this window is training a run (its process needs the cores)."""
        self.training = bool(on)
        if self.training:
            return
        loaded = None if self.context is None else self.context.loaded
        if loaded is not None and (self.points is None or self.points.step < loaded.step) \
                and not self.jobs.busy("points"):
            self.refresh()   # the checkpoints training wrote since the last map (throttled then)
        elif self._deferred and self.points is not None:
            self._project(self.map)

    def on_checkpoint(self, first: bool = False) -> None:
        """A newer checkpoint: re-map, but not more often than FOLLOW_EVERY_S; the run's first
        checkpoint (nothing mapped yet) is mapped at once."""
        import time
        if first or self.points is None and not self.jobs.busy("points"):
            self.refresh()
        elif time.monotonic() - self._last_follow >= FOLLOW_EVERY_S and not self.jobs.busy("points"):
            self.refresh()

    def refresh(self) -> None:
        import time

        self._last_follow = time.monotonic()
        model = self.model
        if self.source is None:   # the run had no checkpoint when it was shown: its sources are known now
            srcs = self.sources()
            self.source = srcs[0] if srcs else None
        if model is None or self.source is None:
            if self.context:
                self._say(lambda: tr("No checkpoint yet: the map appears after the first one."))
            else:
                self._say(lambda: "")
            return
        title = SOURCE_TITLES[self.source]
        self._say(lambda: tr("Encoding the data ({source})…").format(source=tr(title)), 0.0)
        step, source, context = self.context.loaded.step, self.source, self.context
        cancel = threading.Event()
        # the dataset is read in the job too: loading mnist5k took ~0.4 s of the GUI thread
        method, cap = self.resolved_method, self.cap
        counted = Progress()   # (done, total), written by the job's thread

        def work():   # the quick map too: a PCA of 5k points took 0.4-0.5 s of the GUI thread
            from explorer.core.maps.projection import project

            points = build_points(model, context.data(), source, step, cancel, cap=cap,
                                  progress=lambda done, total: counted.set((done, total)))
            quick = "raw" if method(points) == "raw" else "pca"
            return points, project(points.vectors, quick)

        self.jobs.submit("points", work, lambda result: self._points_ready(context, *result),
                         lambda message: context is self.context and self._failed(message), cancel=cancel,
                         progress=counted, on_progress=lambda counts: self._show_encoding(title, *counts))

    def _show_encoding(self, title: str, done: int, total: int) -> None:
        """How far the encoding job has come (a large Points choice takes seconds)."""
        if total and done < total:
            self._say(lambda: tr("Encoding the data ({source})… {done:,} of {total:,}").format(
                source=tr(title), done=done, total=total), done / total)

    def _failed(self, message: str) -> None:
        self._say(lambda: tr("Could not map this run: {message}").format(message=message))

    def _points_ready(self, context, points: PointSet, quick_map=None) -> None:
        if context is not self.context:
            return   # mapped for a run no longer shown
        previous = self.map
        self.points = points
        self.points_changed.emit()
        self._project(previous, quick_map)

    # -- projecting ----------------------------------------------------------------------
    def available_methods(self, points: PointSet | None = None) -> list[str]:
        points = points if points is not None else self.points
        d = 0 if points is None else points.vectors.shape[1]
        return (["raw"] if d == 2 else []) + ["pca", "umap", "tsne"]

    def resolved_method(self, points: PointSet | None = None) -> str:
        methods = self.available_methods(points)
        if self.method == "auto":
            return "raw" if "raw" in methods else "umap"
        return self.method if self.method in methods else "pca"

    def _project(self, previous=None, quick_map=None) -> None:
        from explorer.core.maps.cache import MapCache
        from explorer.core.maps.projection import project

        self._deferred = False
        pts = self.points
        method = self.resolved_method()
        quick = "raw" if method == "raw" else "pca"
        if quick_map is not None:
            self._quick = (pts, quick_map)   # kept: a change of method back to PCA is instant
        cached = getattr(self, "_quick", None)
        if cached is not None and cached[0] is pts and cached[1].method == quick:
            quick_map = cached[1]
        else:
            quick_map = project(pts.vectors, quick)
        self._install(quick_map, previous)
        n = len(pts.vectors)
        name = method_name(method)
        if method not in SLOW_METHODS:
            if quick == "pca":
                self._say(lambda: tr("PCA map of {n} points.").format(n=n))
            else:
                self._say(lambda: tr("Raw map of {n} points.").format(n=n))
            return
        cache = MapCache(self.context.path) if pts.source == "latents" else None
        cached = cache.load(pts.encoded, method) if cache is not None else None
        if cached is not None:
            self._install(cached, self.map, rebuild_async=True)
            self._say(lambda: tr("{method} map (cached) of {n} points.").format(method=name, n=n))
            return
        if self.service is None:
            self._say(lambda: tr("{method} needs the map service, which is not running; showing PCA.")
                      .format(method=name))
            return
        if self.training:
            # seconds of CPU per checkpoint would come out of the trainer's share: show PCA and
            # compute the slow map once training pauses or stops
            self._deferred = True
            self._say(lambda: tr("PCA map of {n} points while a run trains in this window; the {method} map "
                                 "is computed when training pauses or stops.").format(n=n, method=name))
            return
        if self._pending_job is not None:
            self.service.cancel(self._pending_job)
        self._pending_job = f"{method}-{next(self._job_ids)}"
        self._pending_points = pts
        self.service.submit(self._pending_job, pts.vectors, method, strata=pts.labels)
        self._say(lambda: tr("Computing the {method} map; PCA is shown meanwhile.").format(method=name), 0.0)

    def _poll_service(self) -> None:
        from explorer.core.maps import service as ms
        from explorer.core.said import text_of
        from explorer.core.maps.cache import MapCache

        for msg in self.service.poll():
            if isinstance(msg, ms.ServiceError):
                message = msg.message
                self._say(lambda: tr("Map service: {message}").format(message=text_of(message)))
            job = getattr(msg, "job_id", None)
            if job is None or job != self._pending_job:
                continue
            if isinstance(msg, ms.JobProgress):
                self._say(self._progress_line(method_name(job.split('-')[0]), msg.stage, ms.COMPILING),
                          msg.fraction)
            elif isinstance(msg, ms.JobResult):
                self._pending_job = None
                if self._pending_points is not self.points:
                    continue  # the points changed while it was computed
                if self.points.source == "latents":
                    try:
                        MapCache(self.context.path).save(self.points.encoded, msg.map)
                    except OSError:
                        pass
                self._install(msg.map, self.map, rebuild_async=True)
                name, n, seconds = method_name(msg.map.method), len(self.points.vectors), msg.map.seconds
                if msg.map.subsampled:
                    k = len(msg.map.fitted)
                    self._say(lambda: tr("{method} map of {n} points ({seconds:.1f} s): fitted on {k} of them "
                                         "(a sample keeping each label's share), the rest placed by its "
                                         "transform.").format(method=name, n=n, seconds=seconds, k=k))
                else:
                    self._say(lambda: tr("{method} map of {n} points ({seconds:.1f} s).").format(
                        method=name, n=n, seconds=seconds))
            elif isinstance(msg, ms.JobError):
                self._pending_job = None
                name, message = method_name(job.split('-')[0]), msg.message
                self._say(lambda: tr("{method} failed: {message}; showing PCA.").format(
                    method=name, message=text_of(message)))

    @staticmethod
    def _progress_line(name: str, stage: str, compiling: str):
        def render() -> str:
            if stage == compiling:
                what = tr("compiling UMAP (first use in this session, about a minute)")
            else:
                what = tr(STAGES[stage]) if stage in STAGES else stage
            return tr("{method}: {stage}… (PCA shown meanwhile)").format(method=name, stage=what)
        return render

    def _install(self, latent_map, previous=None, rebuild_async: bool = False) -> None:
        from explorer.core.maps.projection import MapError
        from explorer.core.maps.lift import MapLifter

        if previous is not None and len(previous.coords) == len(latent_map.coords):
            try:
                latent_map = latent_map.aligned_to(previous)
            except MapError:
                pass
        vectors = self.points.vectors
        if rebuild_async and not latent_map.exact:
            # the Delaunay triangulation takes ~15 ms at 5k points, ~0.2 s at 70k: off the GUI thread
            points = self.points
            self.jobs.submit("lifter", lambda: MapLifter(latent_map, vectors),
                             lambda lifter: points is self.points and self._set_map(latent_map, lifter),
                             self._failed)
        else:
            self._set_map(latent_map, MapLifter(latent_map, vectors))

    def _set_map(self, latent_map, lifter) -> None:
        self.map, self.lifter = latent_map, lifter
        if self.probe_z is not None and self.points is not None:
            self.probe_xy = tuple(float(v) for v in lifter.place(self.probe_z)[0])
        self.map_changed.emit()
        if self.probe_z is not None and self.points is not None:
            self.probe_changed.emit()   # the probe follows a change of map method

    # -- probing and decoding ------------------------------------------------------------
    def probe(self, x: float, y: float) -> None:
        """Lift a map point to a latent (the click path: tens of microseconds)."""
        if self.lifter is None:
            return
        lifted = self.lifter.lift((x, y))
        self.probe_xy, self.probe_z, self.probe_off, self.probe_row = (x, y), lifted.z, lifted.off_manifold, lifted.nearest
        self.probe_changed.emit()

    def set_latent(self, z, row: int = -1) -> None:
        """Probe a latent given directly (traversal sliders, prior samples): placed on the map."""
        if self.lifter is None:
            return
        z = np.asarray(z, np.float64).reshape(-1)
        xy = self.lifter.place(z)[0]
        _, nearest = self.lifter.tree.query(xy)
        self.probe_xy = (float(xy[0]), float(xy[1]))
        self.probe_z, self.probe_off = z, self.lifter.off_manifold_at(xy)
        self.probe_row = int(nearest) if row < 0 else row
        self.probe_changed.emit()

    def select(self, row: int) -> None:
        self.selected = row
        self.selection_changed.emit()

    def condition_for(self, row: int):
        """Class for conditional decoders: the label of the nearest data point."""
        if self.model is None or CONDITIONAL not in self.model.capabilities or self.points is None:
            return None
        return torch.tensor([int(self.points.labels[max(row, 0)])], device=self.model.device)

    @torch.no_grad()
    def decode(self, z: np.ndarray, row: int = -1, label: int | None = None) -> torch.Tensor:
        """Latents (m, d) or (d,) -> decoded samples on the CPU, (m, C, H, W) or (m, D). A
        conditional decoder gets `label` when given, else the class of the point at `row`."""
        model = self.model
        z = torch.as_tensor(np.atleast_2d(z), dtype=torch.float32, device=model.device)
        cond = self.condition_for(row)
        if label is not None and cond is not None:
            cond = torch.tensor([int(label)], device=model.device)
        if cond is not None:
            cond = cond.expand(len(z))
        return model.decode(z, cond).cpu()

    def sample_image(self, row: int) -> torch.Tensor | None:
        """The sample behind a map point: its dataset image, or G(z) for generated points."""
        pts = self.points
        if pts is None or row < 0:
            return None
        if pts.source == "latents":
            return pts.encoded.inputs(self.data, [row])[0]
        if pts.source == "noise":
            return self.decode(pts.noise.z[row], row)[0]
        jf = pts.joint
        if jf.source[row] == 0:
            return self.data.test_x[int(jf.index[row])]
        return self.decode(jf.z[row - int((jf.source == 0).sum())], -1)[0]

    @torch.no_grad()
    def reconstruction(self, row: int) -> torch.Tensor | None:
        pts = self.points
        if pts is None or row < 0 or pts.source != "latents":
            return None
        return self.decode(pts.vectors[row], row)[0]

    def capabilities(self) -> frozenset:
        return frozenset() if self.model is None else self.model.capabilities

    @property
    def is_denoising(self) -> bool:
        return DENOISING in self.capabilities()

    def latent_of(self, row: int) -> np.ndarray | None:
        if self.points is None or row < 0 or not self.points.decodable:
            return None
        return self.points.vectors[row].astype(np.float64)

    def close(self) -> None:
        self._service_timer.stop()
