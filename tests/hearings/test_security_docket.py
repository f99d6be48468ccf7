"""The public docket's socket: anyone may listen, but one address may not hold the process's sockets.

Before: an anonymous client could open docket sockets without limit (each one a group member and a
send per docket change). Now anonymous sockets are capped per client address (close 4429), and a
socket that goes, however it goes, frees its place.
"""

import asyncio

import pytest
import websockets
from asgiref.sync import sync_to_async
from django.db import connections
from django.test import Client

from hearings import services
from tests.hearings.conftest import make_user
from tests.support.client import connect, receive_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CAP = 3


def arrange() -> str:
    services.court_create(name="Pengadilan Negeri Uji", slug="pn-uji")
    client = Client()
    client.force_login(make_user("pengamat"))
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    connections.close_all()
    return cookie


async def listen(server, **kwargs):
    ws = await connect(server.ws_url, "/ws/docket/pn-uji/", **kwargs)
    await receive_until(ws, "docket.state")
    return ws


async def refused_code(server, **kwargs) -> int:
    ws = await connect(server.ws_url, "/ws/docket/pn-uji/", **kwargs)
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(ws.recv(), 5)
    return closed.value.rcvd.code


async def test_anonymous_docket_sockets_are_capped_per_address(daphne_factory):
    server = await asyncio.to_thread(daphne_factory, HADIR_DOCKET_SOCKETS_PER_ADDRESS=CAP)
    cookie = await sync_to_async(arrange)()
    listeners = [await listen(server) for _ in range(CAP)]
    assert await refused_code(server) == 4429
    signed_in = await listen(server, cookie=cookie)  # a signed-in viewer is not counted against the address

    await listeners.pop().close()
    listeners.append(await listen(server))  # the closed socket's place is free again
    assert await refused_code(server) == 4429

    # A socket that fails (a binary frame, a frame nested 5,000 deep) answers and keeps its place.
    await listeners[0].send(b"\x00")
    assert (await receive_until(listeners[0], "error"))["code"] == "forbidden"
    await listeners[0].send("[" * 5000 + "]" * 5000)
    assert (await receive_until(listeners[0], "error"))["code"] == "forbidden"
    for ws in [*listeners, signed_in]:
        await ws.close()
    await asyncio.sleep(0.2)
    listeners = [await listen(server) for _ in range(CAP)]
    for ws in listeners:
        await ws.close()


async def test_behind_a_proxy_the_cap_counts_the_forwarded_address(daphne_factory):
    """Every socket comes from nginx's address; with HADIR_BEHIND_PROXY the cap is per client."""
    server = await asyncio.to_thread(daphne_factory, HADIR_DOCKET_SOCKETS_PER_ADDRESS=1, HADIR_BEHIND_PROXY=1)
    await sync_to_async(arrange)()
    one = {"X-Forwarded-For": "203.0.113.7"}
    first = await listen(server, headers=one)
    assert await refused_code(server, headers=one) == 4429
    # A client's own header comes first; the proxy's entry, last, is the one counted.
    second = await listen(server, headers={"X-Forwarded-For": "203.0.113.7, 198.51.100.9"})
    for ws in (first, second):
        await ws.close()
