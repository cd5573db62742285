"""Extraction pipeline for Russian municipal reports on the national projects."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("natproj-extract")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.1.0"

# after __version__: pipeline.batch.write reads it
from pipeline.load import connect, hive_partitioning, load

__all__ = ["__version__", "connect", "hive_partitioning", "load"]
