"""ASGI entry point: HTTP to Django, WebSocket through origin and session checks to the apps' routes."""

import ctypes
import ctypes.util
import os
import sys

from django.core.asgi import get_asgi_application


def _return_big_buffers_to_the_system() -> None:
    """Keep glibc from growing the heap for big transient buffers.

    Everyone entering a big room gets its whole participant list (about 250 kB for 1,000
    people), and the door checks let a batch of joiners enter at once. glibc raises its mmap
    threshold after freeing such buffers, so later ones came from the heap and left it grown:
    36-63 KiB of RSS per idle connection after joins of 100 at a time, against 28-29 KiB with the
    threshold fixed at glibc's default of 128 kB (docs/performance.md). Elsewhere this does nothing.
    """
    name = ctypes.util.find_library("c")
    mallopt = getattr(ctypes.CDLL(name), "mallopt", None) if name else None
    if mallopt is not None:
        mallopt(-3, 128 * 1024)  # M_MMAP_THRESHOLD


_return_big_buffers_to_the_system()

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from config.logs import LogIds  # noqa: E402
from config.origins import OriginValidator  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402
from config.socket_auth import SocketSession  # noqa: E402
from rooms.live.hub import current_hub, get_hub  # noqa: E402


class StartsTheHub:
    """Starts the rooms' hub, and with it the presence and attendance sweeper, with the server.

    Not with the first room connection: a process that replaces a killed one must close the
    attendance the dead one left open though nobody enters a room there. uvicorn sends lifespan
    events (``--lifespan on``); Daphne sends none, so there the start waits for its Twisted reactor
    (an asyncio loop) to run (``_start_with_daphne``). Failing both, the first HTTP request starts it.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, scope, receive, send):
        # Returns the coroutine to await rather than awaiting it: no frame of this for a socket's life.
        if scope["type"] == "lifespan":
            return self._lifespan(receive, send)
        if scope["type"] == "http":
            get_hub()
        return self.application(scope, receive, send)

    async def _lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                get_hub()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                hub = current_hub()
                if hub is not None:
                    await hub.close()  # the attendance of the sockets just closed is written first
                await send({"type": "lifespan.shutdown.complete"})
                return


def _start_with_daphne() -> None:
    """Daphne imports the application before its reactor runs; where the reactor never runs (tests,
    management commands, uvicorn), nothing happens."""
    reactor = sys.modules.get("twisted.internet.reactor")
    if reactor is not None:
        reactor.callLater(0, get_hub)


application = LogIds(
    StartsTheHub(
        ProtocolTypeRouter(
            {
                "http": django_asgi_app,
                "websocket": OriginValidator(SocketSession(URLRouter(websocket_urlpatterns))),
            }
        )
    ),
    access=settings.LOG_FORMAT == "json",
)
_start_with_daphne()
