"""A WebSocket's cookies, session and user, read once at the handshake (``config.socket_auth``)."""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore

from config.socket_auth import SocketSession
from tests.rooms.factories import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


async def scope_seen(headers: list[tuple[bytes, bytes]]) -> dict:
    seen = {}

    async def inner(scope, receive, send):
        seen.update(scope)

    await SocketSession(inner)({"type": "websocket", "path": "/ws/x/", "headers": headers}, None, None)
    return seen


def signed_in_cookie(*, password_changed: bool = False) -> tuple[object, bytes]:
    user = get_user_model().objects.create_user("clerk", password="a long passphrase 1")
    session = SessionStore()
    sign_in(session, user)
    session["theme"] = "dark"
    session.save()
    if password_changed:  # the session's hash no longer matches: Django signs it out
        user.set_password("another long passphrase 2")
        user.save()
    return user, f"django_language=id; sessionid={session.session_key}".encode()


async def test_a_signed_in_browser_is_its_user_with_its_session_and_cookies():
    user, cookie = await sync_to_async(signed_in_cookie)()
    scope = await scope_seen([(b"host", b"testserver"), (b"cookie", cookie)])
    assert scope["user"].pk == user.pk and scope["user"].is_authenticated
    assert await sync_to_async(scope["session"].get)("theme") == "dark"
    assert scope["cookies"]["django_language"] == "id"


@pytest.mark.parametrize("cookie", [None, b"sessionid=not-a-session", b"sessionid=", b"\xff\xfe=;;"])
async def test_no_or_an_unknown_session_is_anonymous(cookie):
    scope = await scope_seen([(b"cookie", cookie)] if cookie is not None else [])
    assert not scope["user"].is_authenticated
    assert await sync_to_async(scope["session"].get)("theme") is None


async def test_a_session_from_before_a_password_change_is_anonymous():
    _user, cookie = await sync_to_async(signed_in_cookie)(password_changed=True)
    scope = await scope_seen([(b"cookie", cookie)])
    assert not scope["user"].is_authenticated
