"""Run code in several threads at once, each with its own database connection."""

import threading

from django.db import connection


def at_once(function, times=2):
    """Call ``function()`` in ``times`` threads released together: (results, errors)."""
    barrier = threading.Barrier(times)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(function())
        except Exception as error:  # noqa: BLE001 - returned to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
