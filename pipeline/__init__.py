"""Extraction pipeline for Russian municipal reports on the national projects.

``load`` and ``connect`` read an output folder back, ``series`` its series table;
``run(RunConfig(input, out, ...))`` brings an output folder up to date (the Python API
behind the command line, for schedulers and orchestrators), returning a ``RunSummary``.
``run``, ``RunConfig``, ``RunSummary`` and ``RunError`` are imported on first use, so
``import pipeline`` stays light.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("natproj-extract")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.1.0"

# after __version__: pipeline.batch.load.write reads it
from pipeline.load import connect, hive_partitioning, load, series

if TYPE_CHECKING:
    from pipeline.batch.run.runner import RunConfig, RunError, RunSummary, run

_RUN_API = ("RunConfig", "RunError", "RunSummary", "run")

__all__ = ["RunConfig", "RunError", "RunSummary", "__version__", "connect", "hive_partitioning",
           "load", "run", "series"]


def __getattr__(name: str) -> Any:
    if name in _RUN_API:
        from pipeline.batch.run import runner as run_module

        return getattr(run_module, name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
