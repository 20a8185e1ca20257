"""Worker processes: only the main process answers Ctrl-C, so an interrupted build stops cleanly.

Workers ignore SIGINT; the main process gets KeyboardInterrupt, terminates them (multiprocessing.Pool's
terminate()), removes its staging folder and leaves build/ as it was, with no traceback from any worker.
"""

from __future__ import annotations

import gc
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager


def job_count(jobs: int | None) -> int:
    """How many processes work at once: `--jobs` when given, else one per CPU (the one place this is read)."""
    return jobs or os.cpu_count() or 1


@contextmanager
def frozen() -> Iterator[None]:
    """What exists now leaves the cyclic garbage collector's young generations (gc.freeze) for the block:
    it is shared with the processes forked there, or joins the oldest generation at once. After the block
    it is collectable again, unless a freeze was in effect already: a build's own (pipeline._lasting) lasts
    until the build ends."""
    lasting = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        yield
    finally:
        if not lasting:
            gc.unfreeze()


def ignore_interrupts() -> None:
    """Pool initializer: Ctrl-C is the main process's business; SIGTERM ends a worker at once (the main
    process's handler, inherited by fork, would turn it into an exception here)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


class WorkerLost(RuntimeError):
    """A worker process ended without finishing its task (killed, or out of memory)."""
