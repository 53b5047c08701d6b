"""Benchmarks for styrdok: a corpus generator (``bench.generate``) and timed targets (``bench.run``)."""
