"""Run the django-q2 cluster so that a process runner's stop is a graceful stop.

honcho (like most runners) signals the whole process group. django-q2's cluster stops cleanly
in about a second when only its parent gets SIGTERM, but hangs when its sentinel and workers are
killed under it. So the cluster runs in its own session and this process forwards the stop.

Each of the cluster's processes has a PostgreSQL pool of its own and runs one task at a time:
one connection each, at most two (unless HADIR_DB_POOL_MIN/MAX say otherwise).
"""

import os
import signal
import subprocess
import sys

from django.core.management.base import BaseCommand

STOP_TIMEOUT_SECONDS = 30


class Command(BaseCommand):
    help = "Run the django-q2 worker cluster; SIGINT/SIGTERM stop it gracefully."

    def handle(self, *args, **options):
        env = {"HADIR_DB_POOL_MIN": "1", "HADIR_DB_POOL_MAX": "2", **os.environ}
        cluster = subprocess.Popen([sys.executable, "manage.py", "qcluster"], start_new_session=True, env=env)

        def stop(signum, frame):
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            cluster.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            returncode = cluster.wait()
        except KeyboardInterrupt:
            cluster.terminate()
            returncode = cluster.wait(STOP_TIMEOUT_SECONDS)
        sys.exit(0 if returncode in (0, -signal.SIGTERM) else returncode)
