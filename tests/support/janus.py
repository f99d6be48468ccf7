"""A real Janus on free loopback ports, configured from deploy/janus (so that folder is tested too)."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.daphne import ROOT, free_port
from tests.support.services import services_required

JANUS = "/usr/bin/janus"


def require_janus() -> None:
    if os.path.exists(JANUS):
        return
    message = f"{JANUS} is missing (apt-get install janus janus-tools)"
    if services_required():
        pytest.fail(f"{message} (HADIR_REQUIRE_SERVICES=1)")
    pytest.skip(message)


class JanusProcess:
    def __init__(self, folder: Path, *, secrets_of: JanusProcess | None = None):
        require_janus()
        self.folder = folder
        self.port, self.admin_port = free_port(), free_port()
        rtp = 20000 + secrets.randbelow(400) * 100
        self.api_secret, self.admin_secret, self.admin_key = (
            (secrets_of.api_secret, secrets_of.admin_secret, secrets_of.admin_key) if secrets_of
            else tuple(secrets.token_hex(12) for _ in range(3)))
        folder.mkdir(parents=True, exist_ok=True)
        for source in (ROOT / "deploy" / "janus").glob("*.jcfg"):
            text = source.read_text()
            text = text.replace('configs_folder = "deploy/janus"', f'configs_folder = "{folder}"')
            text = text.replace("port = 8088", f"port = {self.port}")
            text = text.replace("admin_port = 7088", f"admin_port = {self.admin_port}")
            text = text.replace('"20000-20999"', f'"{rtp}-{rtp + 99}"')
            text = text.replace("hadir-loopback-api-secret", self.api_secret)
            text = text.replace("hadir-loopback-admin-secret", self.admin_secret)
            text = text.replace("hadir-loopback-admin-key", self.admin_key)
            (folder / source.name).write_text(text)
        self.url = f"http://127.0.0.1:{self.port}/janus"
        self.admin_url = f"http://127.0.0.1:{self.admin_port}/admin"
        self.log_path = folder / "janus.log"
        self.process = None

    def settings(self) -> dict:
        return {"JANUS_URL": self.url, "JANUS_ADMIN_URL": self.admin_url, "JANUS_API_SECRET": self.api_secret,
                "JANUS_ADMIN_SECRET": self.admin_secret, "JANUS_ADMIN_KEY": self.admin_key}

    def start(self) -> JanusProcess:
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen([JANUS, "-F", str(self.folder), "-L", str(self.log_path) + ".full"],
                                        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"janus exited: {self.log_path.read_text()[-2000:]}")
            try:
                body = json.dumps({"janus": "ping", "transaction": "t"}).encode()
                urllib.request.urlopen(urllib.request.Request(self.url, data=body), timeout=1).read()
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"janus did not start: {self.log_path.read_text()[-2000:]}")

    def cpu_seconds(self) -> float:
        """User and system CPU time Janus has used so far (from /proc)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def kill(self) -> None:
        """As a crash would: no time to say goodbye to anyone."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def restart(self) -> JanusProcess:
        """Killed, then started again with the same configuration (ports, secrets): it remembers no
        room, token or session, as after a crash or an upgrade."""
        self.kill()
        return self.start()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


