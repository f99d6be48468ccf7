"""Is a service there? Skip with the reason, or fail when HADIR_REQUIRE_SERVICES=1."""

import os
import socket
from urllib.parse import urlparse

import pytest


def services_required() -> bool:
    return os.environ.get("HADIR_REQUIRE_SERVICES") == "1"


def reachable(url: str, default_port: int) -> str | None:
    """None when a TCP connection to the URL's host and port succeeds, else the reason."""
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or default_port
    try:
        with socket.create_connection((host, port), timeout=2):
            return None
    except OSError as exc:
        return f"{host}:{port} unreachable ({exc})"


def require(name: str, url: str) -> None:
    port = {"redis": 6379, "postgresql": 5432, "smtp": 25}.get(name, 0)
    problem = reachable(url, port)
    if problem is None:
        return
    message = f"{name} is needed: {problem}"
    if services_required():
        pytest.fail(f"{message} (HADIR_REQUIRE_SERVICES=1)")
    pytest.skip(message)
