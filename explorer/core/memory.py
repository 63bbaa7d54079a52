"""How much memory is left, and refusing before allocating what would not fit."""
from __future__ import annotations

import os
from pathlib import Path


def available_memory_bytes() -> int | None:
    """Memory this process could still take, in bytes: /proc/meminfo's MemAvailable, capped
    by the cgroup's limit (containers), else the free physical pages; None when unknown."""
    avail = None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    avail = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError, IndexError):
        pass
    if avail is None:
        try:
            avail = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (AttributeError, ValueError, OSError):
            avail = None
    for limit_file, usage_file in (("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
                                   ("/sys/fs/cgroup/memory/memory.limit_in_bytes",
                                    "/sys/fs/cgroup/memory/memory.usage_in_bytes")):
        try:
            limit = Path(limit_file).read_text().strip()
            if limit == "max" or int(limit) >= 1 << 60:
                continue
            room = int(limit) - int(Path(usage_file).read_text().strip())
        except (OSError, ValueError):
            continue
        avail = room if avail is None else min(avail, room)
    return None if avail is None else max(0, int(avail))


def gib(nbytes: float) -> str:
    return f"{nbytes / 2**30:,.1f} GiB"


def check_fits(nbytes: float, what: str, error: type = None) -> int:
    """Refuse, before allocating, what would need more memory than the machine has left.

    `what` starts the one-line message and names the setting ("folder:x: --image-size 9000
    (60 images of 3x9000x9000 as float32)"); `error` is the exception class raised
    (MemoryError by default), with a Said (explorer/core/said.py: the window shows it through
    tr() in its language). Does nothing when the available memory is unknown.
    Returns nbytes as an int."""
    nbytes = int(nbytes)
    avail = available_memory_bytes()
    if avail is not None and nbytes > avail:
        from explorer.core.said import QT_TR_NOOP, Said
        raise (error or MemoryError)(Said(QT_TR_NOOP("{what} needs about {need}, more than the {available} of "
                                                     "memory available"), what=what, need=gib(nbytes),
                                          available=gib(avail)))
    return nbytes
