"""The cookies, session and user of a WebSocket, read once at its handshake.

Channels' ``AuthMiddlewareStack`` does the same in three middlewares: each keeps its own copy of
the scope and its own coroutine frame for as long as the socket is open, and the session's one
wraps ``send`` to save the session on HTTP responses, which a WebSocket never sends. For a room of
thousands those are kilobytes per socket (bench/README.md, issue 19); here they are one copy and
one frame. Like Channels, the session is read and the user loaded before the socket's consumer
starts, and nothing here saves the session.
"""

from importlib import import_module

from channels.auth import get_user
from django.conf import settings
from django.http.cookie import parse_cookie


class SocketSession:
    """Adds ``cookies``, ``session`` (the session named by the session cookie, loaded lazily as
    in Django) and ``user`` (Django's user of that session, or ``AnonymousUser``) to the scope."""

    def __init__(self, application):
        self.application = application
        self.session_store = import_module(settings.SESSION_ENGINE).SessionStore

    async def __call__(self, scope, receive, send):
        header = next((value for name, value in scope.get("headers", ()) if name == b"cookie"), b"")
        cookies = parse_cookie(header.decode("latin1"))
        scope = dict(scope, cookies=cookies, session=self.session_store(cookies.get(settings.SESSION_COOKIE_NAME)))
        scope["user"] = await get_user(scope)
        return await self.application(scope, receive, send)
