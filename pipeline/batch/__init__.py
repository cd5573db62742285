"""The batch machinery: discover files, plan against the manifest, run the one-file chain
(``pipeline.process``) on an engine (local pool or Dask) under time and memory limits, commit
Parquet parts atomically, report and review. Knows nothing of what a report says."""
