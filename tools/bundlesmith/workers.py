"""Worker processes: only the main process answers Ctrl-C, so an interrupted build stops cleanly.

Workers ignore SIGINT; the main process gets KeyboardInterrupt, terminates them (multiprocessing.Pool's
terminate()), removes its staging folder and leaves build/ as it was, with no traceback from any worker.
"""

from __future__ import annotations

import os
import signal


def job_count(jobs: int | None) -> int:
    """How many processes work at once: `--jobs` when given, else one per CPU (the one place this is read)."""
    return jobs or os.cpu_count() or 1


def ignore_interrupts() -> None:
    """Pool initializer: Ctrl-C is the main process's business; SIGTERM ends a worker at once (the main
    process's handler, inherited by fork, would turn it into an exception here)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


class WorkerLost(RuntimeError):
    """A worker process ended without finishing its task (killed, or out of memory)."""
