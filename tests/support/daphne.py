"""A real Daphne process on a free loopback port, sharing the test database."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_database_url() -> str:
    """The URL of the database the test runner created, for a child process to open."""
    params = connection.settings_dict
    if params["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{params['NAME']}"
    user = params.get("USER") or ""
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{params.get('HOST') or '127.0.0.1'}:{params.get('PORT') or 5432}/{params['NAME']}"


class DaphneServer:
    def __init__(self, *, log_dir: Path, extra_env: dict | None = None, extra_args: tuple[str, ...] = ()):
        self.port = free_port()
        self.log_path = Path(log_dir) / f"daphne-{self.port}.log"
        self.extra_env = extra_env or {}
        self.extra_args = tuple(extra_args)
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def environment(self) -> dict:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DEBUG": "1",
            "DATABASE_URL": test_database_url(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "HADIR_BASE_URL": self.base_url,
            "PYTHONUNBUFFERED": "1",
        }
        if settings.REDIS_URL:
            env["REDIS_URL"] = settings.REDIS_URL
        env.update({key: str(value) for key, value in self.extra_env.items() if value is not None})
        for key, value in self.extra_env.items():
            if value is None:
                env.pop(key, None)
        return env

    def command(self) -> list[str]:
        return [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), *self.extra_args,
                "config.asgi:application"]

    def start(self, timeout: float = 30.0) -> None:
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.command(), cwd=ROOT, env=self.environment(), stdout=log,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Daphne exited with {self.process.returncode}: {self.log()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"Daphne did not answer /healthz within {timeout} s: {self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def kill(self) -> None:
        """SIGKILL: no disconnect handler runs, as when a machine or process dies."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
