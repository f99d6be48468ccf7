"""Which pages may open Hadir's WebSockets: an origin is a scheme, a host and a port, all compared.

A browser sends the page's origin with every WebSocket handshake, and the session cookie goes with
it whatever the page, so the origin is what stands between a page elsewhere and the visitor's rooms.
Host names alone are not enough: another service on the same machine (`http://127.0.0.1:6666`)
or the same name on another scheme is another site.
"""

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

from config.env import origin_of
from config.proxy import scope_header, scope_is_secure


def allowed_origins() -> set[str]:
    """The site's own origin (``HADIR_BASE_URL``) and every one in ``CSRF_TRUSTED_ORIGINS`` (which
    holds the site's own too, see settings)."""
    origins = {origin_of(url) for url in [settings.HADIR_BASE_URL, *settings.CSRF_TRUSTED_ORIGINS]}
    return origins - {None}


def _matches(origin: str, allowed: str) -> bool:
    """Equal, or under a ``scheme://*.domain[:port]`` wildcard (as ``CSRF_TRUSTED_ORIGINS`` allows)."""
    if "://*." not in allowed:
        return origin == allowed
    prefix, suffix = allowed.split("*", 1)
    return origin.startswith(prefix) and origin.endswith(suffix) and len(origin) > len(prefix) + len(suffix)


def origin_allowed(scope: dict) -> bool:
    """An allowed origin, or the origin of the page this server answered itself: the connection's
    own scheme (the proxy's ``X-Forwarded-Proto`` behind one) and Host, the Host being one this
    site answers to (``ALLOWED_HOSTS``)."""
    origin = origin_of(scope_header(scope, b"origin"))
    if origin is None:
        return False
    if any(_matches(origin, allowed) for allowed in allowed_origins()):
        return True
    host = scope_header(scope, b"host")
    scheme = "https" if scope_is_secure(scope) else "http"
    allowed_hosts = settings.ALLOWED_HOSTS or (["localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else [])
    return (
        validate_host(split_domain_port(host)[0], allowed_hosts)
        and origin == origin_of(f"{scheme}://{host}")
    )


class OriginValidator:
    """Refuses the handshake (HTTP 403) of a WebSocket whose page is not allowed (``origin_allowed``)."""

    def __init__(self, application):
        self.application = application

    def __call__(self, scope, receive, send):
        # The inner application's coroutine itself, not one awaiting it: a coroutine frame less for
        # every socket's life (the callers await what this returns).
        if origin_allowed(scope):
            return self.application(scope, receive, send)
        return WebsocketDenier()(scope, receive, send)
