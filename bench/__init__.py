"""Benchmarks: run as scripts; they print figures and ratios, they are not timed tests."""
