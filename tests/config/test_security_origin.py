"""Which pages may open a WebSocket to Hadir: the whole origin (scheme, host, port) is compared.

Before: Channels' AllowedHostsOriginValidator compared host names only, so a page on
`http://127.0.0.1:6666` (any other service on the machine) or `https://localhost` could open
sockets with the visitor's session. And `/ws/unknown/` answered 500 from the router.
"""

import pytest
import websockets
from channels.testing import WebsocketCommunicator

from config.asgi import application
from tests.support.client import connect, receive_json

SERVER = "127.0.0.1:8000"


async def opens(origin: str | None, *, host: str = SERVER, scheme: str = "ws", headers=()) -> bool:
    headers = [(b"host", host.encode()), *headers]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    communicator = WebsocketCommunicator(application, "/ws/healthz/", headers=headers)
    communicator.scope["scheme"] = scheme
    connected, _ = await communicator.connect(timeout=5)
    await communicator.disconnect()
    return connected


@pytest.fixture
def site(settings):
    settings.HADIR_BASE_URL = "https://hadir.example"
    settings.CSRF_TRUSTED_ORIGINS = ["https://admin.hadir.example:8443", "https://*.sekolah.example"]
    settings.ALLOWED_HOSTS = ["hadir.example", "127.0.0.1", "localhost"]
    return settings


def test_the_allowed_origins_come_from_the_base_url_and_the_trusted_origins(site):
    from config.origins import allowed_origins

    assert allowed_origins() == {
        "https://hadir.example", "https://admin.hadir.example:8443", "https://*.sekolah.example",
    }
    site.HADIR_BASE_URL = "HTTPS://Hadir.Example:443"
    assert "https://hadir.example" in allowed_origins()


@pytest.mark.parametrize("origin", [
    "https://hadir.example", "https://hadir.example:443", "https://admin.hadir.example:8443",
    "http://127.0.0.1:8000",  # the page this server served itself (same scheme, host and port)
    "https://kelas.sekolah.example",  # under a trusted wildcard
])
async def test_these_origins_may_connect(site, origin):
    assert await opens(origin)


@pytest.mark.parametrize("origin", [
    "http://127.0.0.1:6666",  # another service on the same machine
    "https://localhost",  # an allowed host name on another scheme and port
    "https://127.0.0.1:8000",  # the right host and port on another scheme
    "http://hadir.example",  # the site without TLS
    "https://evil.hadir.example",
    "https://hadir.example.evil.example",
    "https://admin.hadir.example",  # a trusted origin's host on another port
    "https://sekolah.example", "http://kelas.sekolah.example", "https://kelas.sekolah.example:8443",
    "https://evilsekolah.example",
    "null",
    "",
    None,  # no Origin at all
])
async def test_these_origins_are_refused(site, origin):
    assert not await opens(origin)


async def test_same_origin_needs_a_host_this_site_answers_to(site):
    assert not await opens("http://rebound.example:8000", host="rebound.example:8000")
    assert await opens("https://hadir.example", host="hadir.example", scheme="wss")


@pytest.mark.e2e
async def test_on_daphne_another_port_or_scheme_of_an_allowed_host_is_refused(daphne_server):
    for origin in ("http://127.0.0.1:6666", "https://localhost", f"https://127.0.0.1:{daphne_server.port}"):
        with pytest.raises(websockets.InvalidStatus) as refused:
            await connect(daphne_server.ws_url, "/ws/healthz/", origin=origin)
        assert refused.value.response.status_code == 403, origin
    ws = await connect(daphne_server.ws_url, "/ws/healthz/")  # the server's own origin
    assert await receive_json(ws) == {"type": "health", "status": "ok"}
    await ws.close()


@pytest.mark.e2e
async def test_on_daphne_an_unknown_socket_path_is_closed_4404_not_a_server_error(daphne_server):
    for path in ("/ws/unknown/", "/ws/rooms/", "/nothing"):
        ws = await connect(daphne_server.ws_url, path)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd.code == 4404, path
    assert "Exception inside application" not in daphne_server.log()
