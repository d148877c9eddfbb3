"""Benchmarks and the synthetic areas they run on (see bench/run.py)."""
