"""`bundlesmith build`: the pipeline (pipeline.build), with what can go wrong on the way turned into diagnostics.

Layout of build/:
  site/                       the national learners' site
  site-<variant>/             a variant's site
  scorm/                      every SCORM zip (bundle, version, variant and SCORM version in the name)
  reports/                    coverage reports (reports/<variant>/ for variants)
  lms/                        the LMS administrator's kit per bundle (lms/<variant>/ for variants; see lms/)
  badges/                     the Open Badges 3.0 achievement per bundle (badges/<variant>/ for variants)
  case/                       a CASE CFPackage per framework (case/<variant>/ for a variant's local ones)
  print/                      learner and facilitator handbooks (PDF/UA-1) per bundle (and per variant)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bundlesmith import pipeline
from bundlesmith.build_options import BuildOptions, BuildResult, reports_dirname, site_dirname
from bundlesmith.diagnostics import Span, error
from bundlesmith.workers import WorkerLost

if TYPE_CHECKING:
    from bundlesmith.schedule import Progress

__all__ = ["BuildOptions", "BuildResult", "reports_dirname", "run", "site_dirname"]


def run(options: BuildOptions, echo: Callable[[str], None] = lambda line: None,
        progress: Progress | None = None) -> BuildResult:
    """Build `options.out` from `options.root`; problems come back as diagnostics, never as exceptions
    (Ctrl-C and SIGTERM apart: build/ is left as it was either way)."""
    from bundlesmith.render.site_error import SiteBuildError

    try:
        return pipeline.build(options, echo, progress or (lambda stage, done, total: None))
    except SiteBuildError as exc:  # mkdocs refused the configuration, or a theme or plugin failed
        config = exc.config
        where = ("site" if config is None else config.relative_to(options.root).as_posix()
                 if config.is_relative_to(options.root) else "the default site configuration")
        return BuildResult([error(Span(where, 0), "site-failed", exc.message)], ok=False)
    except WorkerLost as exc:
        return BuildResult([error(Span(str(options.out), 0), "worker-lost", str(exc),
                                  "try again with fewer --jobs: each worker needs memory of its own")], ok=False)
    except OSError as exc:
        place = exc.filename or options.out
        return BuildResult([error(Span(str(place), 0), "write-failed",
                                  f"cannot write the build output: {exc.strerror or exc}")], ok=False)
