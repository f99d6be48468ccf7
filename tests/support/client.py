"""A non-browser client, as PROTOCOL.md describes one: GET the join link, keep the cookie, connect."""

import asyncio
import http.cookiejar
import json
import urllib.request

import websockets


def session_cookie(base_url: str, join_path: str) -> str:
    """Follow a join link and return the Cookie header the WebSocket must carry."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base_url}{join_path}", timeout=10) as response:
        response.read()
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


async def connect(ws_url: str, path: str, *, cookie: str = "", origin: str | None = None):
    origin = origin or ws_url.replace("ws://", "http://", 1)
    headers = {"Origin": origin}
    if cookie:
        headers["Cookie"] = cookie
    return await websockets.connect(f"{ws_url}{path}", additional_headers=headers, max_size=2**20)


async def receive_json(ws, timeout: float = 5.0) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def receive_until(ws, message_type: str, timeout: float = 5.0) -> dict:
    """Read messages until one of the given type arrives; fail after ``timeout`` seconds."""
    async def wait():
        while True:
            message = json.loads(await ws.recv())
            if message.get("type") == message_type:
                return message

    return await asyncio.wait_for(wait(), timeout)
