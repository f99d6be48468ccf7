"""The project's settings, with a fast password hasher: PBKDF2's 1,000,000 rounds cost about
0.4 s per test user, more than half of the suite's time. Daphne processes of end-to-end tests
use these settings too, so that they accept the test users' passwords."""

import os

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# One django-q2 queue per test process (and the processes it starts), so that parallel test
# processes sharing one Redis never take each other's tasks.
os.environ.setdefault("HADIR_QUEUE_NAME", f"hadir-test-{os.getpid()}")
Q_CLUSTER["name"] = os.environ["HADIR_QUEUE_NAME"]  # noqa: F405
