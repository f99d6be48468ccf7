"""A real Daphne on a free loopback port: /healthz answers, a WebSocket opens and closes."""

import json
import urllib.request

import pytest

from tests.support.client import connect, receive_json

pytestmark = pytest.mark.e2e


async def test_daphne_serves_health_and_websocket(daphne_server):
    with urllib.request.urlopen(f"{daphne_server.base_url}/healthz", timeout=5) as response:
        body = json.loads(response.read())
    assert response.status == 200 and body["status"] == "ok"

    ws = await connect(daphne_server.ws_url, "/ws/healthz/")
    assert (await receive_json(ws)) == {"type": "health", "status": "ok"}
    await ws.close()
    assert ws.close_code == 1000


async def test_foreign_origin_is_refused(daphne_server):
    import websockets

    with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
        await connect(daphne_server.ws_url, "/ws/healthz/", origin="https://evil.example")
    assert refused.value.response.status_code == 403
