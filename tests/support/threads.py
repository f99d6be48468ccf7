"""Database work from a browser test: Playwright's sync API runs an event loop in the test's thread,
so Django counts that thread as async; the ORM (and anything else that blocks) goes to another
thread, which closes its connections so that the test database can be dropped."""

from concurrent.futures import ThreadPoolExecutor

from django.db import connections


def in_thread(work, *args, **kwargs):
    def run():
        try:
            return work(*args, **kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()
