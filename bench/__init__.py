"""Benchmarks with real components; they print figures and assert nothing."""
