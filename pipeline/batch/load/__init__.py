"""Load: Parquet parts written and committed atomically, the manifest, the lock, storage,
compaction, layout migration, damaged parts, and the series built from the output."""
