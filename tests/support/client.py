"""A non-browser client, as PROTOCOL.md describes one: GET the join link, keep the cookie, connect."""

import asyncio
import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request

import websockets


def session_cookie(base_url: str, join_path: str, *, login: tuple[str, str] | None = None) -> str:
    """Follow a join link and return the Cookie header the WebSocket must carry; ``login``
    (username, password) signs in first, as a moderator must (a link alone never moderates)."""
    browser = Browser(base_url)
    if login:
        browser.login(*login)
    browser.get(join_path)
    return browser.cookie_header()


class Browser:
    """A cookie jar, the login form, and POSTs with the CSRF token, as a browser sends them."""

    def __init__(self, base_url: str, *, ssl_context=None):
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        handlers = [urllib.request.HTTPCookieProcessor(self.jar)]
        if ssl_context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=ssl_context))
        self.opener = urllib.request.build_opener(*handlers)

    def get(self, path: str) -> str:
        with self.opener.open(f"{self.base_url}{path}", timeout=10) as response:
            return response.read().decode()

    def login(self, username: str, password: str) -> None:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get("/accounts/login/")).group(1)
        data = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
        with self.opener.open(self._request("/accounts/login/", data.encode()), timeout=10) as response:
            assert "/accounts/login/" not in response.url, "login failed"

    def post(self, path: str, data: dict | None = None) -> int:
        """POST a form (or nothing) with the CSRF token; the response's status."""
        if not any(cookie.name == "csrftoken" for cookie in self.jar):
            self.get("/accounts/login/")
        body = urllib.parse.urlencode(data or {}).encode()
        try:
            with self.opener.open(self._request(path, body), timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def status(self, path: str) -> int:
        try:
            with self.opener.open(f"{self.base_url}{path}", timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)

    def _request(self, path: str, body: bytes) -> urllib.request.Request:
        token = next((cookie.value for cookie in self.jar if cookie.name == "csrftoken"), "")
        return urllib.request.Request(f"{self.base_url}{path}", data=body, headers={
            "Referer": f"{self.base_url}{path}", "X-CSRFToken": token,
        })


async def connect(ws_url: str, path: str, *, cookie: str = "", origin: str | None = None, headers=None, **options):
    """``options`` go to ``websockets.connect`` (``ssl=`` for a wss:// URL)."""
    origin = origin or ws_url.replace("ws://", "http://", 1).replace("wss://", "https://", 1)
    headers = {"Origin": origin, **(headers or {})}
    if cookie:
        headers["Cookie"] = cookie
    return await websockets.connect(f"{ws_url}{path}", additional_headers=headers, max_size=2**20,
                                    **options)


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
