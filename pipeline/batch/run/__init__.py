"""Run: the configuration, discovering the input, planning against the manifest, the engines and
workers that run the one-file chain, progress, remote input."""
