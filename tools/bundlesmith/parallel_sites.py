"""Build the views' sites (national and one per variant) in this process and in forked ones, side by side.

mkdocs builds one site at a time and in one thread. With variants there are several sites to build: with
more than one worker (`--jobs`), that many forked processes take the views from a shared counter until
none is left, so the cores share the sites while packaging and reports run too. This process then only
coordinates, so that no process holds more than one site's pages at a time besides the catalogue.

The processes are forked before any thread of the build starts and after every module is rendered, so
they share the catalogues and rendered modules without copying. A site's pages are written with markers
where its downloads go (render/site.build_site with packages=None); the build adds the downloads once the
packages and reports exist (render/site.finish_site), in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
from typing import Callable


class SiteBuilds:
    """`build(k)` builds view k's site and returns what render/site.build_site returns."""

    def __init__(self, count: int, build: Callable[[int], object], workers: int):
        self.count, self.build = count, build
        self.mine: dict[int, object] = {}
        self.children: list[tuple[multiprocessing.Process, object]] = []
        processes = min(workers, count) if count > 1 else 0
        if processes < 2 or "fork" not in multiprocessing.get_all_start_methods():
            self.next = iter(range(count)).__next__
            return
        context = multiprocessing.get_context("fork")
        gc.freeze()  # what exists now is shared with the site processes: their collector leaves it untouched
        self.next = lambda: None  # this process only coordinates: peak memory is one site's, in each process
        self.counter = context.Value("i", 0)
        for _ in range(processes):
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=self._child, args=(send,), daemon=True)
            process.start()
            send.close()
            self.children.append((process, receive))
        gc.unfreeze()  # here, collection goes on as before

    def _take(self) -> int:
        with self.counter.get_lock():
            k = self.counter.value
            self.counter.value += 1
        if k >= self.count:
            raise StopIteration
        return k

    def _child(self, send) -> None:
        from bundlesmith.workers import ignore_interrupts

        ignore_interrupts()
        built: dict[int, object] = {}
        try:
            for k in iter(self._safe_take, None):
                built[k] = self.build(k)
            send.send(("ok", built))
        except BaseException as exc:  # handed to the main process, which raises it
            try:
                send.send(("error", pickle.dumps(exc)))
            except Exception:
                send.send(("error", pickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}"))))
        finally:
            send.close()
            os._exit(0)

    def _safe_next(self) -> int | None:
        try:
            return self.next()
        except StopIteration:
            return None

    def _safe_take(self) -> int | None:
        try:
            return self._take()
        except StopIteration:
            return None

    def run(self, started: Callable[[int], None] = lambda k: None) -> dict[int, object]:
        """Build this process's share of the sites, then collect the others'; {view: built site}."""
        for k in iter(self._safe_next, None):
            started(k)
            self.mine[k] = self.build(k)
        built = dict(self.mine)
        for process, receive in self.children:
            try:
                status, payload = receive.recv()
            except EOFError:
                raise RuntimeError("a process building a site stopped unexpectedly") from None
            if status == "error":
                raise pickle.loads(payload)
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
