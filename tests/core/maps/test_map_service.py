"""The map service: a real spawned process that warms umap-learn, serves jobs and leaves nothing behind.

umap-learn compiles with numba for about a minute in every new process: this file
pays that once, in the service, and does its other checks while it compiles.
"""
import multiprocessing as mp
import os
import signal

import numpy as np
import pytest

from explorer.core.maps.projection import MapError, project
from explorer.core.maps.service import (JobCancelled, JobError, JobProgress, JobResult, MapService,
                                        ServiceError, ServiceReady)


def two_blobs(n=120, d=6, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d)).astype(np.float32)
    x[n // 2:] += 12.0
    return x


def assert_gone(pid):
    assert mp.active_children() == []
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_warm_service_serves_pca_at_once_umap_after_its_compile_and_cancels():
    latents = two_blobs()
    service = MapService(warm_umap=True)
    service.start()
    pid = service.pid
    seen = []
    try:
        service.submit("pca", latents, "pca")
        seen += service.wait("pca", timeout=120)
        assert isinstance(seen[-1], JobResult)
        assert np.allclose(seen[-1].map.coords, project(latents, "pca").coords, atol=1e-5)
        if hasattr(os, "sched_getscheduler"):  # background work: only CPU time nobody else wants
            assert os.sched_getscheduler(pid) == os.SCHED_IDLE

        service.submit("raw", latents, "raw")
        seen += service.wait("raw", timeout=60)
        assert isinstance(seen[-1], JobError) and "raw map needs a 2-D latent space" in seen[-1].message
        assert "\n" not in seen[-1].message
        with pytest.raises(MapError, match="unknown umap setting"):
            service.submit("bad", latents, "umap", {"k": 3})

        service.submit("umap-cancelled", latents, "umap", {"n_neighbors": 10})
        service.submit("umap", latents, "umap", {"n_neighbors": 10})
        service.submit("tsne-queued", latents, "tsne")
        service.cancel("tsne-queued")
        seen += service.wait("tsne-queued", timeout=60)
        assert isinstance(seen[-1], JobCancelled)
        ready = [m for m in seen if isinstance(m, ServiceReady)]
        if not ready:  # still compiling: cancel the job that is waiting for it
            service.cancel("umap-cancelled")
        seen += service.wait("umap-cancelled", timeout=300)
        seen += service.wait("umap", timeout=300)
        result = seen[-1]
        assert isinstance(result, JobResult) and result.map.method == "umap"
        coords = result.map.coords
        assert coords.shape == (120, 2) and np.isfinite(coords).all()
        within = max(np.ptp(coords[:60], axis=0).max(), np.ptp(coords[60:], axis=0).max())
        between = np.linalg.norm(coords[:60].mean(0) - coords[60:].mean(0))
        assert between > within  # the two blobs stay apart on the map
        progress = [m for m in seen if isinstance(m, JobProgress) and m.job_id == "umap"]
        stages = {m.stage for m in progress}
        assert "layout" in stages
        layout = [m.fraction for m in progress if m.stage == "layout"]
        assert layout == sorted(layout) and layout[-1] == 1.0
        ready = [m for m in seen if isinstance(m, ServiceReady)]
        assert len(ready) == 1 and ready[0].warmed and ready[0].seconds > 0

        # above its fit_limit UMAP is fitted on a stratified sample, the rest placed by its
        # transform: a sampled point lies exactly where a fit of the sample alone puts it
        many = two_blobs(300, seed=1)
        strata = np.repeat([0, 1], [200, 100])
        service.submit("umap-sampled", many, "umap", {"n_neighbors": 10, "fit_limit": 90}, strata=strata)
        seen += service.wait("umap-sampled", timeout=300)
        sampled = seen[-1]
        assert isinstance(sampled, JobResult) and sampled.map.subsampled
        fitted = sampled.map.fitted
        assert len(fitted) == 90 and list(np.bincount(strata[fitted])) == [60, 30]
        assert {m.stage for m in seen if isinstance(m, JobProgress) and m.job_id == "umap-sampled"} >= {"placing"}
        coords = sampled.map.coords
        assert coords.shape == (300, 2) and np.isfinite(coords).all()
        service.submit("umap-sample-alone", many[fitted], "umap", {"n_neighbors": 10, "fit_limit": 0})
        seen += service.wait("umap-sample-alone", timeout=300)
        alone = seen[-1]
        assert isinstance(alone, JobResult) and not alone.map.subsampled
        assert np.array_equal(coords[fitted], alone.map.coords)
        # the transformed points keep the two blobs apart too
        between = np.linalg.norm(coords[:150].mean(0) - coords[150:].mean(0))
        assert between > max(np.ptp(coords[:150], axis=0).max(), np.ptp(coords[150:], axis=0).max())
        first = next(m for m in seen if getattr(m, "job_id", None) == "umap-cancelled"
                     and not isinstance(m, JobProgress))
        # cancelled while it waited for the compile, or finished if the compile was already done
        assert isinstance(first, JobCancelled) or (isinstance(first, JobResult) and ready[0] in seen[:seen.index(first)])
    finally:
        service.close()
    assert not service.alive
    assert_gone(pid)


def test_service_reports_its_own_death_and_fails_outstanding_jobs():
    service = MapService(warm_umap=False)
    service.start()
    pid = service.pid
    try:
        service.submit("pca", two_blobs(40), "pca")
        seen = service.wait("pca", timeout=120)
        assert isinstance(seen[-1], JobResult) and seen[-1].map.coords.shape == (40, 2)
        assert any(isinstance(m, ServiceReady) and not m.warmed for m in seen)
        os.kill(pid, signal.SIGKILL)
        service._proc.join(10)
        service.submit("late", two_blobs(40), "pca")
        messages = service.poll()
        assert isinstance(messages[0], ServiceError) and "stopped unexpectedly" in messages[0].message
        assert [(type(m), m.job_id) for m in messages[1:]] == [(JobError, "late")]
    finally:
        service.close()
    assert_gone(pid)
