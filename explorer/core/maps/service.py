"""A long-lived process that computes maps, so the window never waits for them.

Why a process: umap-learn pays its numba compile in every new process (measured
here: 60-70 s for the first fit, ~4 s for later ones), and in a thread of the
GUI process that compile froze the window for up to 0.4 s at a time (docs/ARCHITECTURE.md,
"Performance"). This process imports umap-learn and compiles it at launch
(a fit on small random data, in a background thread) and then serves
projection jobs; the window shows PCA meanwhile.

    service = MapService(); service.start()
    service.submit("umap-1", latents, "umap", {"n_neighbors": 15})
    ... on a timer: for msg in service.poll(): JobProgress / JobResult / JobError / JobCancelled
    service.close()   # joins the process; nothing is left behind

Jobs run one at a time, in order. A UMAP job submitted before the warm-up has
finished waits for it (reported as the stage "compiling umap"); PCA and t-SNE
jobs do not wait. `cancel` drops a queued job at once and stops a running one
at its next progress report (UMAP: its next layout epoch; the neighbour search
before the layout cannot be interrupted). Only numbers and strings cross the
process boundary; no torch is imported in the service.
"""
from __future__ import annotations

import collections
import multiprocessing as mp
import os
import queue
import threading
import time
from dataclasses import dataclass

import numpy as np

from explorer.core.maps.projection import LatentMap, MapError, map_params, project
from explorer.core.errors import first_line
from explorer.core.said import QT_TR_NOOP, Said

PROGRESS_INTERVAL_S = 0.1
WARM_POINTS = 400
COMPILING = "compiling umap"


@dataclass
class ServiceReady:
    seconds: float          # how long importing and compiling umap took in the service
    warmed: bool            # False when the service was started without the warm-up


@dataclass
class ServiceError:
    message: str            # one line: the warm-up failed, or the process died (a Said: text_of() it)


@dataclass
class JobProgress:
    job_id: str
    fraction: float         # 0..1
    stage: str              # "compiling umap", "neighbours", "layout", ...


@dataclass
class JobResult:
    job_id: str
    map: LatentMap          # coords in the order of the latents submitted


@dataclass
class JobError:
    job_id: str
    message: str            # one line (maybe a Said, explorer/core/said.py: text_of() it to show it)


@dataclass
class JobCancelled:
    job_id: str


class _Cancel(Exception):
    pass


class MapService:
    def __init__(self, warm_umap: bool = True):
        self.warm_umap = warm_umap
        self._proc = None
        self._commands = self._messages = None
        self._outstanding: set = set()
        self._reported_death = False

    # -- lifetime -----------------------------------------------------------------
    def start(self) -> None:
        if self._proc is not None:
            raise RuntimeError("the map service is already started")
        ctx = mp.get_context("spawn")  # fork would copy a live Qt application
        self._commands, self._messages = ctx.Queue(), ctx.Queue()
        self._proc = ctx.Process(target=service_main, name="latent-explorer-maps", daemon=True,
                                 args=(self._commands, self._messages, self.warm_umap, os.getpid()))
        self._proc.start()

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.is_alive()

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    def close(self, timeout: float = 5.0, wait: bool = True) -> None:
        """Stop the service and wait for its process; terminate it if it does not exit in time
        (a numba compile cannot be interrupted from inside). With wait=False (the window
        closing) it is terminated at once and reaped by a thread: it writes no file, and at
        idle priority beside a trainer saving its checkpoint its own exit took 0.7 s of the
        GUI thread's time."""
        if self._proc is None:
            return
        try:
            self._commands.put(("close",))
        except (ValueError, OSError):
            pass
        if not wait:
            self._proc.terminate()
            proc, queues, self._proc = self._proc, (self._commands, self._messages), None
            self._outstanding.clear()
            threading.Thread(target=_reap, args=(proc, queues, timeout), name="map-service-reaper",
                             daemon=True).start()
            return
        deadline = time.monotonic() + timeout
        while self._proc.is_alive() and time.monotonic() < deadline:
            self._drain_discarding()  # a full pipe would keep the child's queue feeder from exiting
            self._proc.join(0.05)
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(2.0)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join(2.0)
        for q in (self._commands, self._messages):
            q.close()
            q.cancel_join_thread()
        self._proc.close()
        self._proc = None
        self._outstanding.clear()

    def __enter__(self):
        if self._proc is None:
            self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    # -- jobs ----------------------------------------------------------------------
    def submit(self, job_id: str, latents: np.ndarray, method: str, params: dict | None = None,
               strata: np.ndarray | None = None) -> None:
        """Queue a projection; bad settings raise MapError here, at once, not in the service.
        `strata` (a label per latent) keeps each label's share in a UMAP fit's subsample."""
        if self._proc is None:
            raise RuntimeError("start the map service before submitting jobs")
        params = map_params(method, params)
        latents = np.ascontiguousarray(latents, np.float32)
        if latents.ndim != 2:
            raise MapError(f"latents must be an (n, d) array, got shape {latents.shape}")
        self._outstanding.add(job_id)
        if strata is not None and len(strata) != len(latents):
            strata = None
        self._commands.put(("submit", job_id, latents, method, params, strata))

    def cancel(self, job_id: str) -> None:
        if self._proc is not None and job_id in self._outstanding:
            self._commands.put(("cancel", job_id))

    def poll(self, limit: int = 200) -> list:
        """Messages that have arrived, without waiting (cheap enough for a GUI timer)."""
        out = []
        if self._messages is None:
            return out
        for _ in range(limit):
            try:
                msg = self._messages.get_nowait()
            except queue.Empty:
                break
            except (EOFError, OSError):
                break
            if isinstance(msg, (JobResult, JobError, JobCancelled)):
                self._outstanding.discard(msg.job_id)
            out.append(msg)
        if not out and self._proc is not None and not self._proc.is_alive() and not self._reported_death:
            self._reported_death = True
            out.append(ServiceError(Said(QT_TR_NOOP("the map service stopped unexpectedly (exit code {code})"),
                                         code=self._proc.exitcode)))
            out += [JobError(j, Said(QT_TR_NOOP("the map service stopped before finishing this map")))
                    for j in sorted(self._outstanding)]
            self._outstanding.clear()
        return out

    def wait(self, job_id: str, timeout: float = 600.0) -> list:
        """Block until `job_id` finishes (for scripts and tests, never the GUI thread);
        returns every message received meanwhile, the last one being the job's end."""
        seen = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for msg in self.poll():
                seen.append(msg)
                if getattr(msg, "job_id", None) == job_id and not isinstance(msg, JobProgress):
                    return seen
                if isinstance(msg, ServiceError) and not self.alive:
                    return seen
            time.sleep(0.02)
        raise TimeoutError(f"map job {job_id} did not finish within {timeout:.0f} s")

    def _drain_discarding(self) -> None:
        try:
            while True:
                self._messages.get_nowait()
        except (queue.Empty, EOFError, OSError):
            pass


def _reap(proc, queues, timeout: float) -> None:
    """Wait for a terminated service process, then free its queues (not on the GUI thread)."""
    proc.join(timeout)
    if proc.is_alive():
        proc.kill()
        proc.join(2.0)
    for q in queues:
        q.close()
        q.cancel_join_thread()


# -- the service process ------------------------------------------------------------

def service_main(commands, messages, warm: bool, parent_pid: int) -> None:
    # maps are background work: the trainer and the window come first. SCHED_IDLE lets the
    # kernel give the service only the CPU time nobody else wants (nice 10 still took ~10% of
    # a core: bench gui fell to 0.82 of the bare loop while UMAP's numba warm-up ran beside
    # training). One numba thread (up to four cores; threads.service_threads) keeps UMAP's
    # parallel loops off the trainer's cores, and idle OpenMP threads sleep instead of spinning.
    from explorer.core.training import threads

    n = threads.prepare_service()
    background_priority()
    # one BLAS thread: the window and the trainer need the other core, and OpenBLAS's
    # threads waiting on each other across busy cores slowed small products 100x here;
    # OpenMP pools too (t-SNE's gradient loops), unless LATENT_EXPLORER_THREADS=default
    threads.limit_pools(n, user_api="blas" if threads.mode() == "default" else None)
    state = _ServiceState()
    threading.Thread(target=_read_commands, args=(commands, messages, state, parent_pid),
                     name="map-commands", daemon=True).start()
    if warm:
        threading.Thread(target=_warm_umap, args=(messages, state), name="umap-warm-up", daemon=True).start()
    else:
        state.warm.set()
        messages.put(ServiceReady(0.0, False))
    while True:
        job = state.next_job()
        if job is None:
            break
        _run_job(job, messages, state)


def background_priority() -> None:
    """Run the calling thread (and the threads it starts) only on otherwise idle CPU time."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):  # not Linux: the lowest nice level instead
        try:
            os.nice(19)
        except OSError:
            pass


class _ServiceState:
    def __init__(self):
        self.jobs = collections.deque()
        self.cancelled: set = set()
        self.closing = False
        self.cond = threading.Condition()
        self.warm = threading.Event()
        self.warm_error: str | None = None

    def next_job(self):
        with self.cond:
            while not self.jobs and not self.closing:
                self.cond.wait()
            return None if self.closing else self.jobs.popleft()

    def is_cancelled(self, job_id) -> bool:
        with self.cond:
            return self.closing or job_id in self.cancelled


def _read_commands(commands, messages, state: _ServiceState, parent_pid: int) -> None:
    while True:
        try:
            cmd = commands.get(timeout=0.5)
        except queue.Empty:
            if os.getppid() != parent_pid:  # the window is gone: so is our reason to exist
                cmd = ("close",)
            else:
                continue
        except (EOFError, OSError):
            cmd = ("close",)
        with state.cond:
            if cmd[0] == "submit":
                state.cancelled.discard(cmd[1])
                state.jobs.append(cmd[1:])
            elif cmd[0] == "cancel":
                queued = [j for j in state.jobs if j[0] == cmd[1]]
                for j in queued:
                    state.jobs.remove(j)
                    messages.put(JobCancelled(cmd[1]))
                if not queued:
                    state.cancelled.add(cmd[1])
            elif cmd[0] == "close":
                state.closing = True
            state.cond.notify_all()
        if cmd[0] == "close":
            return


def warm_up_umap() -> float:
    """Import umap-learn and run a small fit through the code paths real fits take
    (NN-descent, the seeded single-threaded layout, a disconnected graph); returns seconds."""
    t0 = time.perf_counter()
    from explorer.core.maps.projection import DEFAULT_PARAMS, umap_model

    rng = np.random.default_rng(0)
    blobs = rng.standard_normal((WARM_POINTS, 8)).astype(np.float32)
    blobs[WARM_POINTS // 2:] += 50.0
    umap_model(DEFAULT_PARAMS["umap"], len(blobs), lambda fraction, stage: None).fit_transform(blobs)
    return time.perf_counter() - t0


def _warm_umap(messages, state: _ServiceState) -> None:
    try:
        seconds = warm_up_umap()
    except Exception as e:  # an unusable umap-learn: UMAP jobs fail with this line, others still run
        state.warm_error = _one_line(e)
        messages.put(ServiceError(Said(QT_TR_NOOP("umap-learn could not be prepared: {error}"), error=state.warm_error)))
    else:
        messages.put(ServiceReady(seconds, True))
    finally:
        state.warm.set()


def _run_job(job, messages, state: _ServiceState) -> None:
    job_id, latents, method, params, *rest = job
    strata = rest[0] if rest else None
    last = [0.0]

    def progress(fraction: float, stage: str) -> None:
        if state.is_cancelled(job_id):
            raise _Cancel()
        now = time.monotonic()
        if now - last[0] >= PROGRESS_INTERVAL_S or fraction >= 1.0:
            last[0] = now
            messages.put(JobProgress(job_id, float(fraction), stage))

    try:
        if method == "umap":
            progress(0.0, COMPILING if not state.warm.is_set() else "neighbours")
            while not state.warm.wait(0.1):
                progress(0.0, COMPILING)
            if state.warm_error:
                raise MapError(Said(QT_TR_NOOP("umap-learn could not be prepared: {error}"), error=state.warm_error))
        result = project(latents, method, params, progress, strata)
    except _Cancel:
        messages.put(JobCancelled(job_id))
    except Exception as e:  # any failure of a job is reported, and the service goes on
        messages.put(JobError(job_id, _one_line(e)))
    else:
        messages.put(JobResult(job_id, result))
    finally:
        with state.cond:
            state.cancelled.discard(job_id)


def _one_line(e: BaseException) -> str:
    return first_line(e, 300)
