"""Reproducible benchmarks of wagtail-privacy (run as scripts, see README.md)."""
