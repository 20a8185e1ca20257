"""Build the views' sites (national and one per variant) in this process and in forked ones, side by side.

mkdocs builds one site at a time and in one thread. With variants there are several sites to build: with
more than one worker (`--jobs`), that many forked processes take the views from a shared counter until
none is left, so the cores share the sites while packaging and reports run too. This process then only
coordinates, so that no process holds more than one site's pages at a time besides the catalogue.

The processes are forked before any thread of the build starts and after every module is rendered, so
they share the catalogues and rendered modules without copying. A site's pages that list downloads are
held back (render/site.build_site with packages=None) and come back here with the built site; the build
writes them, complete, once the packages and reports exist (render/site.finish_site), in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess


class SiteBuilds:
    """`build(k)` builds view k's site and returns what render/site.build_site returns."""

    def __init__(self, count: int, build: Callable[[int], object], workers: int):
        self.count, self.build = count, build
        self.children: list[tuple[BaseProcess, Connection]] = []
        processes = min(workers, count) if count > 1 else 0
        if processes < 2 or "fork" not in multiprocessing.get_all_start_methods():
            return  # this process builds every site, in run()
        context = multiprocessing.get_context("fork")
        self.counter = context.Value("i", 0)
        gc.freeze()  # what exists now is shared with the site processes: their collector leaves it untouched
        for _ in range(processes):
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=self._child, args=(send,), daemon=True)
            process.start()
            send.close()
            self.children.append((process, receive))
        gc.unfreeze()  # here, collection goes on as before

    def _take(self) -> int | None:
        """The next view no process has taken yet, or None."""
        with self.counter.get_lock():
            k = self.counter.value
            self.counter.value += 1
        return k if k < self.count else None

    def _child(self, send: Connection) -> None:
        from bundlesmith.workers import ignore_interrupts

        ignore_interrupts()
        built: dict[int, object] = {}
        try:
            for k in iter(self._take, None):
                built[k] = self.build(k)
            send.send(("ok", built))
        except BaseException as exc:  # handed to the main process (our own fork, over a pipe), which raises it
            try:
                send.send(("error", exc))
            except Exception:  # an exception that cannot cross the pipe: its text does
                send.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
        finally:
            send.close()
            os._exit(0)

    def run(self, started: Callable[[int], None] = lambda k: None) -> dict[int, object]:
        """Every view's built site, {view: built site}: built here one by one (`started(k)` first), or
        collected from the site processes. The first failure is raised here as it was raised there."""
        if not self.children:
            built = {}
            for k in range(self.count):
                started(k)
                built[k] = self.build(k)
            return built
        built = {}
        for process, receive in self.children:
            try:
                status, payload = receive.recv()
            except EOFError:
                raise RuntimeError("a process building a site stopped unexpectedly") from None
            if status == "error":
                raise payload
            built.update(payload)
            process.join()
        self.children = []
        return built

    def stop(self) -> None:
        """After an error or Ctrl-C: stop the other processes at once."""
        for process, receive in self.children:
            if process.is_alive():
                process.terminate()
            process.join(timeout=5)
            receive.close()
        self.children = []
