"""A Janus client from outside Hadir: what a browser (or someone scripting one) could send with the
ticket Hadir gave it, over Janus's plain HTTP API, without WebRTC."""

from __future__ import annotations

import json
import secrets
import urllib.request


class RawJanus:
    def __init__(self, url: str, token: str):
        self.url, self.token = url, token
        self.session = self.handle = None

    def send(self, path: str, body: dict) -> dict:
        body = {**body, "transaction": secrets.token_hex(6), "token": self.token}
        request = urllib.request.Request(self.url + path, data=json.dumps(body).encode())
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    def attach(self, plugin: str = "janus.plugin.videoroom") -> dict:
        created = self.send("", {"janus": "create"})
        if created["janus"] != "success":
            return created
        self.session = created["data"]["id"]
        attached = self.send(f"/{self.session}", {"janus": "attach", "plugin": plugin})
        if attached["janus"] == "success":
            self.handle = attached["data"]["id"]
        return attached

    def join(self, *, room: int, pin: str, ptype: str = "publisher", **extra) -> dict:
        """A join is answered asynchronously: ack, then the plugin's event on the long poll."""
        ack = self.send(f"/{self.session}/{self.handle}", {
            "janus": "message", "body": {"request": "join", "room": room, "pin": pin, "ptype": ptype,
                                         "token": self.token, **extra}})
        if ack["janus"] != "ack":
            return ack
        return self.event()

    def event(self) -> dict:
        """The next event on the session's long poll (Janus answers within 30 s, sooner with news)."""
        query = f"?maxev=1&token={self.token}&rid={secrets.randbelow(10**9)}"
        with urllib.request.urlopen(f"{self.url}/{self.session}{query}", timeout=35) as response:
            return json.loads(response.read())

    def keepalive(self) -> dict:
        return self.send(f"/{self.session}", {"janus": "keepalive"})
