"""Training on several processes or machines with PyTorch's own engine (docs/ARCHITECTURE.md,
"Distributed training").

    torchrun --standalone --nproc-per-node 2 main.py train --model vae --dataset digits --out RUN

torchrun sets RANK, WORLD_SIZE, LOCAL_RANK and the rendezvous; `from_env()` reads them and
joins the process group (gloo on the CPU, NCCL on CUDA). The model is wrapped in
DistributedDataParallel, so the gradients are averaged over the processes after every
backward. Every process takes the same epoch order (the run's seed) and its own contiguous
part of each global batch (`--batch-size` is the global batch, as in one process), so the
averaged gradient is the one process's gradient on the whole batch.

Rank 0 alone writes the run directory (its lock, config, metrics, checkpoints, samples,
evaluations); the others write nothing. State that is not a gradient (batch-norm running
statistics, a VQ-VAE's EMA codebook and its usage counts) is rank 0's: DDP broadcasts rank
0's buffers at every forward. A stop (Ctrl-C, SIGTERM from torchrun) is agreed on at every
step, so all processes halt at the same step and rank 0 saves there.
"""
from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from datetime import timedelta

import torch

from explorer.core.said import QT_TR_NOOP, Said

ENV = ("RANK", "WORLD_SIZE", "LOCAL_RANK")
_active: "Group | None" = None   # the group this process joined (from_env), for the engine


@dataclass
class Group:
    rank: int
    world: int
    local_rank: int
    backend: str

    @property
    def writes(self) -> bool:
        """Whether this process writes the run directory (rank 0 only)."""
        return self.rank == 0

    @property
    def home(self) -> str:
        """Where this backend's collectives take their tensors."""
        return f"cuda:{self.local_rank}" if self.backend == "nccl" else "cpu"

    def device(self, name: str) -> str:
        """The device this rank trains on: its own GPU under NCCL (cuda:LOCAL_RANK)."""
        if self.backend == "nccl" and str(name).split(":")[0] in ("auto", "cuda", ""):
            return f"cuda:{self.local_rank}"
        return name

    # -- collectives: every rank calls each at the same point ------------------------
    def any(self, flag: bool, device=None) -> bool:
        """True on every rank when any rank's flag is true (a stop, a failure)."""
        import torch.distributed as dist

        t = torch.tensor([1.0 if flag else 0.0], device=device or self.home)
        dist.all_reduce(t, op=dist.ReduceOp.MAX)
        return bool(t.item() > 0)

    def same(self, values: list, device=None) -> bool:
        """Whether every rank holds the same numbers (the run's shape, its data's digest)."""
        import torch.distributed as dist

        hi = torch.tensor([float(v) for v in values], dtype=torch.float64, device=device or self.home)
        lo = hi.clone()
        dist.all_reduce(hi, op=dist.ReduceOp.MAX)
        dist.all_reduce(lo, op=dist.ReduceOp.MIN)
        return bool(torch.equal(hi, lo))

    def mean(self, values: dict, device) -> dict:
        """Each value averaged over the ranks (the logged losses: the global batch's mean)."""
        import torch.distributed as dist

        if not values:
            return values
        keys = sorted(values)
        t = torch.tensor([float(values[k]) for k in keys], dtype=torch.float64, device=device)
        dist.all_reduce(t)
        return {k: float(v) / self.world for k, v in zip(keys, t.tolist())}

    def barrier(self) -> None:
        import torch.distributed as dist

        dist.barrier()

    def close(self, together: bool = True) -> None:
        """Leave the group. `together`: after the others are done too (a barrier): a rank
        that tore its connections down while rank 0 was still saving was seen to abort
        at exit ("terminate called without an active exception")."""
        import torch.distributed as dist

        if not dist.is_initialized():
            return
        if together:
            try:
                dist.barrier()
            except Exception:   # a peer gone meanwhile: leave anyway
                pass
        dist.destroy_process_group()


def launched(environ=None) -> bool:
    """Whether this process was started by torchrun (or another launcher) with more than one process."""
    environ = os.environ if environ is None else environ
    try:
        return all(k in environ for k in ENV) and int(environ["WORLD_SIZE"]) > 1
    except ValueError:
        return False


def local_share(environ=None) -> int:
    """How many processes of this run share this machine's cores (1 outside torchrun)."""
    environ = os.environ if environ is None else environ
    try:
        return max(1, int(environ.get("LOCAL_WORLD_SIZE", "1")))
    except ValueError:
        return 1


# how long a collective waits: a dead peer is seen at once (its connection closes), so this
# only bounds one that hangs, and must outlast rank 0's work alone at an epoch's end (its
# evaluation, a checkpoint, and on first use training the dataset's classifier)
GROUP_TIMEOUT_S = 6 * 3600.0


def from_env(device: str = "auto", timeout_s: float = GROUP_TIMEOUT_S, environ=None) -> Group | None:
    """Join the process group torchrun describes; None outside torchrun (or with one process).
    NCCL when the run trains on CUDA and CUDA is here, gloo otherwise. A rank that dies is
    seen at once by the others' next collective (its connection closes); the long timeout
    only bounds a rank that hangs, and leaves rank 0 time to evaluate an epoch alone."""
    environ = os.environ if environ is None else environ
    if not launched(environ):
        return None
    import torch.distributed as dist

    if not dist.is_available():
        raise RuntimeError(Said(QT_TR_NOOP("this PyTorch has no torch.distributed: train on one process")))
    rank, world, local = (int(environ[k]) for k in ENV)
    cuda = torch.cuda.is_available() and str(device).split(":")[0] in ("auto", "cuda", "")
    backend = "nccl" if cuda else "gloo"
    if cuda:
        torch.cuda.set_device(local)
    if not dist.is_initialized():
        dist.init_process_group(backend, timeout=timedelta(seconds=timeout_s))
    global _active
    _active = Group(rank, world, local, backend)
    return _active


def active() -> Group | None:
    """The process group this process trains in; None for a run on one process."""
    return _active


def leave(together: bool = True) -> None:
    """Leave the process group; `together` (the run ended normally): once every rank has."""
    global _active
    if _active is not None:
        _active.close(together)
    _active = None


def data_digest(data) -> int:
    """A digest of a dataset cheap enough to take at every start (its size, labels, and its
    first and last samples), as a whole number a float64 holds exactly."""
    import hashlib

    h = hashlib.sha1(f"{len(data.train_x)} {len(data.test_x)} {tuple(data.shape)}".encode())
    h.update(data.train_y.numpy().tobytes())
    for x in (data.train_x, data.test_x):
        if len(x):
            h.update(x[:16].numpy().tobytes())
            h.update(x[len(x) - 16:].numpy().tobytes())
    return int(h.hexdigest()[:13], 16)   # 52 bits


def check_same_run(group: Group | None, sizes: list, data, device) -> None:
    """Every rank holds the same run (`sizes`: its split sizes, step, total steps, epoch
    position) and the same data (data_digest); else one line on every rank. Machines with
    different datasets or run copies would otherwise count different epochs and wait on
    each other's collectives."""
    if group is None:
        return
    from explorer.core.data.datasets import DatasetError

    if not group.same([*sizes, data_digest(data)], device):
        raise DatasetError(Said(QT_TR_NOOP(
            "the training processes do not see the same dataset or run (their sizes, steps or data "
            "differ): every machine needs the same dataset and, to resume, the same run directory")))


def lost_peer(e: BaseException) -> bool:
    """Whether an error is a collective's that lost another process (it died, or its machine)."""
    import torch.distributed as dist

    if isinstance(e, getattr(dist, "DistError", ())):
        return True
    text = str(e)
    return isinstance(e, RuntimeError) and any(w in text for w in ("gloo", "Gloo", "NCCL", "Connection reset",
                                                                    "Connection closed"))


def shard(idx: torch.Tensor, group: Group | None) -> torch.Tensor:
    """This rank's contiguous part of a global batch's indices (packs stay whole when the
    part's size is a multiple of the pack)."""
    if group is None:
        return idx
    part = len(idx) // group.world
    return idx[group.rank * part:(group.rank + 1) * part]


def check_batch(batch_size: int, model_cfg, group: Group | None) -> None:
    """A global batch every rank can take an equal, whole-pack part of (a packed GAN's packs
    stay whole); else one line."""
    if group is None:
        return
    pack = getattr(model_cfg, "pack", 1) or 1
    if batch_size % group.world or (batch_size // group.world) % max(1, pack):
        unit = Said(QT_TR_NOOP("{n} samples ({pack} to a pack)"), n=batch_size, pack=pack) if pack > 1 \
            else Said(QT_TR_NOOP("{n} samples"), n=batch_size)
        raise ValueError(Said(QT_TR_NOOP("a batch of {unit} does not split evenly over {world} processes: "
                                         "choose a --batch-size that does"), unit=unit, world=group.world))


class LossModule(torch.nn.Module):
    """The model's loss as a module's forward, so DistributedDataParallel can wrap it."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, batch, phase):
        return self.model.loss(batch, phase)


def wrap(model, group: Group | None):
    """The model's loss through DDP for the training loop, `ddp(batch, phase)` (DDP
    averages the gradients over the ranks in backward). Where a step leaves parameters unused
    (a GAN's generator while its discriminator trains, a prior's frozen VQ-VAE) DDP is told
    so; it then walks the graph once a step to find them, small next to these models' steps."""
    if group is None:
        return None   # one process: the loop calls model.loss itself
    from torch.nn.parallel import DistributedDataParallel as DDP

    device_ids = [group.local_rank] if group.backend == "nccl" else None
    trained = {id(p) for phase in model.phases for p in model.phase_parameters(phase)}
    unused = len(model.phases) > 1 or any(p.requires_grad and id(p) not in trained for p in model.parameters())
    ddp = DDP(LossModule(model), device_ids=device_ids, find_unused_parameters=unused)
    # a 1x1 convolution's gradient comes with the strides of its channels-last input: a copy into
    # the bucket, not an error (DDP says so at every step of a PixelCNN prior)
    warnings.filterwarnings("ignore", message="Grad strides do not match bucket view strides")
    return ddp
