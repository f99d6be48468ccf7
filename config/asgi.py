"""ASGI entry point: HTTP to Django, WebSocket through origin and session checks to the apps' routes."""

import ctypes
import ctypes.util
import os

from django.core.asgi import get_asgi_application


def _return_big_buffers_to_the_system() -> None:
    """Keep glibc from growing the heap for big transient buffers.

    Everyone entering a big room gets its whole participant list (about 250 kB for 1,000
    people), and the door checks let a batch of joiners enter at once. glibc raises its mmap
    threshold after freeing such buffers, so later ones came from the heap and left it grown:
    36-63 KiB of RSS per idle connection after joins of 100 at a time, against 28-29 KiB with the
    threshold fixed at glibc's default of 128 kB (bench/README.md). Elsewhere this does nothing.
    """
    name = ctypes.util.find_library("c")
    mallopt = getattr(ctypes.CDLL(name), "mallopt", None) if name else None
    if mallopt is not None:
        mallopt(-3, 128 * 1024)  # M_MMAP_THRESHOLD


_return_big_buffers_to_the_system()

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
