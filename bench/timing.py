"""Timing shared by the benches that call pages and jobs in-process."""

import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext


def timed(function, repeat):
    """(median ms, max ms, queries of the last call) of ``repeat`` calls of ``function``."""
    samples, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            function()
            samples.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    return statistics.median(samples), max(samples), queries
