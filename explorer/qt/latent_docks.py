"""The window's panels that need torch: the latent map and its docks, the GAN monitor, the
codebook tab. Built once the window is on screen and the heavy modules are loaded."""
from __future__ import annotations

from .gan_link import GanMonitorLink
from .i18n import tr
from .jobs import Jobs
from .session_bindings import bind_codebook_panel, bind_latent_session, bind_quality_panel, show_samples_at


_LOADED = False
LATER_IMPORTS = (
    "scipy.spatial", "scipy.sparse", "sklearn.datasets", "mlxtend.data", "safetensors.torch", "torch.utils._device",
    "explorer.core.maps.cache", "explorer.core.maps.lift", "explorer.core.maps.encoding",
    "explorer.core.maps.traversal", "explorer.core.maps.denoising", "explorer.core.maps.gan_maps",
    "explorer.core.maps.service", "explorer.core.codebook.usage", "explorer.core.gan.toy_view",
    "explorer.core.gan.drs_view", "explorer.core.gan.alerts", "explorer.core.sampling.priors",
    "explorer.core.training.run_context", "explorer.core.training.engine",
    "explorer.core.training.evaluation", "explorer.core.training.timeline",
    "explorer.core.training.estimate", "explorer.core.data.images", "explorer.core.data.classifier",
)


def heavy_modules_loaded() -> bool:
    return _LOADED


def preload_heavy_modules() -> None:
    """Everything the panels need that takes seconds to import. An import in a background
    thread holds the GIL for long stretches (torch's: up to 420 ms at a time here), which
    froze the visible window as surely as the GUI thread would: `python main.py` calls this
    behind a splash, before the window (app.py). torch._dynamo (2 s: torch.optim imports it)
    is left to the first optimizer made in this process, the New Run dialog's estimate."""
    global _LOADED
    import torch
    from threadpoolctl import threadpool_limits

    import explorer.core.training.follow  # noqa: F401
    import explorer.core.maps.projection  # noqa: F401
    import explorer.core.runs  # noqa: F401
    import models  # noqa: F401
    # scikit-learn: a dataset's split, the quick PCA and mixtures use it; imported by a
    # background job, it held the GIL for 2.4 s in pieces of up to 0.3 s
    import sklearn.mixture  # noqa: F401
    import sklearn.model_selection  # noqa: F401
    import sklearn.utils.extmath  # noqa: F401
    # and what the first run opened, clicked, mapped and trained would import later, from a
    # job or a timer (the map cache's module on the first UMAP message: 0.1-0.3 s)
    import importlib
    for name in LATER_IMPORTS:
        try:
            importlib.import_module(name)
        except ImportError:   # an optional piece: the feature that needs it says so when used
            pass

    # The window's own torch and BLAS work is small (one decode per click, a PCA); their
    # worker threads would only compete with the trainer for the cores, and OpenBLAS
    # threads stalled for seconds when the other core was busy (a 20x5000x20 product: 150 ms)
    torch.set_num_threads(1)
    threadpool_limits(1)
    _LOADED = True


def build_latent_panels(window) -> None:
    from .latent_session import LatentSession
    from .panels.compare_panel import ComparePanel
    from .panels.denoise_panel import DenoisePanel
    from .panels.draw_panel import DrawPanel
    from .panels.reparam_panel import ReparamPanel
    from .panels.interpolation_panel import InterpolationPanel
    from .panels.latent_map_panel import LatentMapPanel
    from .panels.prior_panel import PriorPanel
    from .panels.rejection_panel import RejectionPanel
    from .panels.traversal_panel import TraversalPanel

    if window.want_map_service:
        from explorer.core.maps.service import MapService
        window.map_service = MapService()   # compiles UMAP in its own process, from now on
        window.map_service.start()
    window.jobs = Jobs(window)
    s = window.latent_session = LatentSession(window.jobs, window.map_service, window)
    window.latent_panel = LatentMapPanel(s)
    window.views.removeTab(1)
    window.views.insertTab(1, window.latent_panel, tr("Latent map"))
    from .panels.gan import SNAPSHOT_MS, GanPanel
    window.gan_panel = GanPanel()
    window.views.removeTab(2)
    window.views.insertTab(2, window.gan_panel, tr("GAN monitor"))
    window.gan_panel.alert_clicked.connect(lambda step: show_samples_at(window, step))
    window.gan_link = GanMonitorLink(window, window.gan_panel, SNAPSHOT_MS)
    from .panels.codebook import CodebookPanel
    window.codebook_panel = CodebookPanel()
    window.views.removeTab(3)
    window.views.insertTab(3, window.codebook_panel, tr("Codebook"))
    bind_codebook_panel(window.codebook_panel, window.session)
    window.codebook_panel.train_prior_requested.connect(window._train_prior)
    from .panels.quality_panel import QualityPanel
    window.quality_panel = QualityPanel()
    window.views.removeTab(4)
    window.views.insertTab(4, window.quality_panel, tr("Quality"))
    bind_quality_panel(window.quality_panel, window)
    window.views.setCurrentIndex(int(window.settings.value("view", 1)))
    m = window.latent_panel.map
    window.latent_docks = {
        "Traversal": TraversalPanel(s), "Interpolation": InterpolationPanel(s, m),
        "Sampling": PriorPanel(s, m), "Denoising": DenoisePanel(s, m),
        "Compare runs": ComparePanel(s, m, window.known_runs, window.map_service),
        "Rejection sampling": RejectionPanel(s), "Draw": DrawPanel(s, m),
    }
    window.latent_docks["Reparameterise"] = ReparamPanel(s, m, window.latent_docks["Draw"])
    window.latent_docks["Draw"].waypoint_requested.connect(window.latent_docks["Interpolation"].add_latent)
    for title, widget in window.latent_docks.items():
        window.docks[title].setWidget(widget)
    bind_latent_session(s, window.session)
