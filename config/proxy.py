"""Who the client is, and whether it came over HTTPS, for a request or a WebSocket.

With ``HADIR_BEHIND_PROXY`` off, the answer is the socket's peer and scheme: a header is something
any client may write. With it on, exactly one proxy that Hadir trusts (deploy/nginx) stands in front
and sets ``X-Forwarded-For`` and ``X-Forwarded-Proto`` on every request, and only that proxy can
reach the web processes. The address is the last ``X-Forwarded-For`` entry, the one that proxy
wrote: a client may send its own header, which a proxy that appends puts first. The per-address
limits (log-in throttle, observer places, docket sockets, the public's feedback) all ask here.
"""

from django.conf import settings

FORWARDED_FOR = b"x-forwarded-for"
FORWARDED_PROTO = b"x-forwarded-proto"


def _last_entry(value: str) -> str:
    return value.rsplit(",", 1)[-1].strip()


def request_address(request) -> str:
    """The client address of an HTTP request (also django-axes' ``AXES_CLIENT_IP_CALLABLE``)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if settings.HADIR_BEHIND_PROXY else ""
    return _last_entry(forwarded) if forwarded else request.META.get("REMOTE_ADDR", "")


def scope_header(scope: dict, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin1")
    return ""


def scope_address(scope: dict) -> str:
    """The client address of a WebSocket (or any ASGI) connection."""
    forwarded = scope_header(scope, FORWARDED_FOR) if settings.HADIR_BEHIND_PROXY else ""
    return _last_entry(forwarded) if forwarded else (scope.get("client") or ("",))[0]


def scope_is_secure(scope: dict) -> bool:
    """Whether the browser's connection was TLS: the proxy's word when behind one, else the socket's."""
    if settings.HADIR_BEHIND_PROXY:
        proto = scope_header(scope, FORWARDED_PROTO).split(",", 1)[0].strip().lower()
        if proto:
            return proto in {"https", "wss"}
    return scope.get("scheme") in {"https", "wss"}
