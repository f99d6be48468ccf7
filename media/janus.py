"""A small client for one Janus server's HTTP API and admin API (what Hadir, its control plane, asks).

Every call is synchronous and short; a Janus that does not answer raises ``JanusUnavailable``, and an
answer with an error raises ``JanusRefused`` (its code and reason). Hadir authenticates with the API
secret; browsers never get it, only the tokens Hadir adds for the people it admitted."""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass

VIDEOROOM = "janus.plugin.videoroom"
AUDIOBRIDGE = "janus.plugin.audiobridge"
TIMEOUT_SECONDS = 5


class JanusUnavailable(Exception):
    pass


class JanusRefused(Exception):
    def __init__(self, code: int, reason: str):
        super().__init__(f"{code}: {reason}")
        self.code, self.reason = code, reason


@dataclass(frozen=True)
class JanusServer:
    url: str
    admin_url: str
    api_secret: str = ""
    admin_secret: str = ""
    admin_key: str = ""
    timeout: float = TIMEOUT_SECONDS

    # Transport ----------------------------------------------------------------------------------

    def _post(self, url: str, body: dict) -> dict:
        body = {**body, "transaction": secrets.token_hex(8)}
        if not url.startswith(("http://", "https://")):
            raise JanusUnavailable(f"{url}: not an http(s) URL")
        request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",  # noqa: S310
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read())
        except (OSError, ValueError) as exc:
            raise JanusUnavailable(f"{url}: {exc}") from exc
        if answer.get("janus") == "error":
            raise JanusRefused(answer["error"]["code"], answer["error"]["reason"])
        data = answer.get("plugindata", {}).get("data", {})
        if "error_code" in data:
            raise JanusRefused(data["error_code"], data.get("error", ""))
        return answer

    def api(self, path: str, body: dict) -> dict:
        if self.api_secret:
            body = {**body, "apisecret": self.api_secret}
        return self._post(self.url + path, body)

    def admin(self, path: str, body: dict) -> dict:
        return self._post(self.admin_url + path, {**body, "admin_secret": self.admin_secret})

    # Plugin requests (create, destroy, kick, allowed, moderate, list...) -------------------------

    def plugin_request(self, plugin: str, body: dict) -> dict:
        """One synchronous plugin request on a short-lived session; returns the plugin's answer."""
        return self.plugin_requests(plugin, lambda ask: ask(body))

    def plugin_requests(self, plugin: str, work):
        """``work(ask)`` on one short-lived session: ``ask(body)`` makes a synchronous plugin request and
        returns the plugin's answer. Returns what ``work`` returns."""
        session = self.api("", {"janus": "create"})["data"]["id"]
        try:
            handle = self.api(f"/{session}", {"janus": "attach", "plugin": plugin})["data"]["id"]

            def ask(body: dict) -> dict:
                keyed = {**body, "admin_key": self.admin_key} if self.admin_key else body
                answer = self.api(f"/{session}/{handle}", {"janus": "message", "body": keyed})
                return answer.get("plugindata", {}).get("data", {})

            return work(ask)
        finally:
            try:
                self.api(f"/{session}", {"janus": "destroy"})
            except (JanusUnavailable, JanusRefused):
                pass

    # Admin API ----------------------------------------------------------------------------------

    def add_token(self, token: str, plugins: list[str]) -> None:
        self.admin("", {"janus": "add_token", "token": token, "plugins": plugins})

    def remove_token(self, token: str) -> None:
        try:
            self.admin("", {"janus": "remove_token", "token": token})
        except JanusRefused:
            pass  # not (or no longer) known: nothing to take back

    def handles_with_token(self, token: str) -> list[tuple[int, int, dict]]:
        """(session, handle, plugin-specific info) of every handle a browser opened with ``token``."""
        found = []
        for session in self.admin("", {"janus": "list_sessions"}).get("sessions", []):
            try:
                handles = self.admin(f"/{session}", {"janus": "list_handles"}).get("handles", [])
                for handle in handles:
                    info = self.admin(f"/{session}/{handle}", {"janus": "handle_info"}).get("info", {})
                    if info.get("token") == token:
                        found.append((session, handle, info.get("plugin_specific", {})))
            except JanusRefused:
                continue  # the session ended meanwhile
        return found

    def destroy_session(self, session: int) -> None:
        try:
            self.admin(f"/{session}", {"janus": "destroy_session"})
        except JanusRefused:
            pass

    def info(self) -> dict:
        return self.admin("", {"janus": "info"})
