"""Benchmarks of the Control Tower API at 100x the data (issue 8).

``python -m bench run`` measures, ``python -m bench report`` writes ``docs/performance.md``.
"""
