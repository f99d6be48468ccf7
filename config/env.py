"""Reading settings from the environment.

A value that cannot be used stops the process with one line that names the variable
(``SystemExit`` prints its message and exits 1), so an operator sees
``hadir: configuration error: DATABASE_URL ...`` instead of a traceback.
"""

import ipaddress
import json as jsonlib
import os
import re
import sys
import zoneinfo
from urllib.parse import urlparse, urlsplit

import dj_database_url

_DEV_SECRET_KEY = "hadir-development-only-secret-key-not-for-production-use"


def fail(name: str, problem: str) -> None:
    sys.exit(f"hadir: configuration error: {name} {problem}")


def string(name: str, default: str) -> str:
    return os.environ.get(name, default)


def domain(name: str, default: str) -> str:
    """A mail domain (``hadir.example``): letters, digits, dots and hyphens, lower-cased."""
    value = string(name, default).strip().lower()
    if not re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,62}\.?)*[a-z0-9]", value or "-"):
        fail(name, f"must be a mail domain such as hadir.example, not {value!r}")
    return value


def boolean(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    fail(name, f"must be 1/0, true/false, yes/no or on/off, not {raw!r}")


def integer(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        fail(name, f"must be a whole number, not {raw!r}")


def number(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        fail(name, f"must be a number, not {raw!r}")


def choice(name: str, default: str, choices: list[str]) -> str:
    raw = os.environ.get(name, "") or default
    if raw not in choices:
        fail(name, f"must be one of {', '.join(choices)}, not {raw!r}")
    return raw


def listing(name: str, default: str) -> list[str]:
    raw = os.environ.get(name, default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def networks(name: str) -> list[str]:
    """Comma-separated CIDRs (or single addresses)."""
    items = listing(name, "")
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            fail(name, f"holds {item!r}, which is not an address or a network (CIDR)")
    return items


def json_value(name: str, default):
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return jsonlib.loads(raw)
    except ValueError as exc:
        fail(name, f"is not valid JSON ({exc})")


def url(name: str, default: str) -> str:
    raw = os.environ.get(name, default).rstrip("/")
    parsed = urlparse(raw)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        fail(name, f"must be an absolute http(s) URL, not {raw!r}")
    return raw


DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` in lower case without a default port, or None for no web origin."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in DEFAULT_PORTS or not host:
        return None
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}" if port in (None, DEFAULT_PORTS[scheme]) else f"{scheme}://{host}:{port}"


def timezone(name: str, default: str) -> str:
    raw = os.environ.get(name, default)
    try:
        zoneinfo.ZoneInfo(raw)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        fail(name, f"is not a known IANA time zone: {raw!r}")
    return raw


def secret_key(*, debug: bool) -> str:
    raw = os.environ.get("SECRET_KEY", "")
    if raw:
        if len(raw) < 32:
            fail("SECRET_KEY", "must be at least 32 characters long")
        return raw
    if debug:
        return _DEV_SECRET_KEY
    fail("SECRET_KEY", "is not set; it is required when DEBUG is off (set DEBUG=1 for development)")


def secret_key_fallbacks(name: str) -> list[str]:
    keys = listing(name, "")
    if any(len(key) < 32 for key in keys):
        fail(name, "holds a key shorter than 32 characters")
    return keys


def database(name: str, default: str) -> dict:
    raw = os.environ.get(name) or default
    parsed = urlparse(raw)
    if parsed.scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        fail(name, f"must start with sqlite:// or postgres://, not {raw!r}")
    try:
        config = dj_database_url.parse(raw, conn_max_age=0)
    except (ValueError, KeyError) as exc:
        fail(name, f"cannot be parsed: {exc}")
    if config["ENGINE"] != "django.db.backends.sqlite3" and not config.get("NAME"):
        fail(name, "names no database (postgres://host:port/NAME)")
    return config


def redis_url(name: str) -> str:
    raw = os.environ.get(name, "")
    if not raw:
        return ""
    parsed = urlparse(raw)
    if parsed.scheme not in {"redis", "rediss", "unix"} or not (parsed.hostname or parsed.path):
        fail(name, f"must be redis://host:port/db, not {raw!r}")
    try:
        parsed.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        fail(name, f"has a port that is not a number: {raw!r}")
    return raw
