"""Debian's nginx in front of test Daphne processes, with the site file deploy/nginx/render.py writes.

Everything nginx writes (pid, logs, temp files) stays in the test's folder, so no root paths are
needed; as root, nginx's workers keep root's user, which owns that folder.
"""

import datetime
import ipaddress
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.daphne import ROOT, free_port
from tests.support.services import services_required

NGINX = "/usr/sbin/nginx"
RENDER = ROOT / "deploy" / "nginx" / "render.py"


def self_signed_certificate(folder: Path, host: str = "127.0.0.1") -> tuple[Path, Path]:
    """A certificate for ``host`` (an IP address here) and its key, made for this test only."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "hadir.crt", folder / "hadir.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class Nginx:
    """nginx on free loopback ports: ``https_port`` serves Hadir, ``http_port`` redirects."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.https_port, self.http_port = free_port(), free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def render_site(self, *, web_ports: list[int], static_root: Path) -> Path:
        cert, key = self_signed_certificate(self.folder)
        site = subprocess.run(
            [sys.executable, str(RENDER), "--base-url", self.base_url,
             "--web-ports", ",".join(str(port) for port in web_ports),
             "--certificate", str(cert), "--certificate-key", str(key), "--static-root", str(static_root),
             "--listen", "127.0.0.1", "--http-port", str(self.http_port), "--acme-root", str(self.folder / "acme")],
            check=True, capture_output=True, text=True,
        ).stdout
        path = self.folder / "hadir-site.conf"
        path.write_text(site)
        return path

    def main_config(self, site: Path) -> Path:
        """What Debian's /etc/nginx/nginx.conf provides around a site file, with the test's paths."""
        temp = self.folder / "nginx-temp"
        temp.mkdir(exist_ok=True)
        user = "user root root;\n" if os.geteuid() == 0 else ""
        text = f"""{user}worker_processes 2;
pid {self.folder}/nginx.pid;
error_log {self.folder}/nginx-error.log info;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {self.folder}/nginx-access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {site};
}}
"""
        path = self.folder / "nginx.conf"
        path.write_text(text)
        return path

    def command(self, config: Path, *extra: str) -> list[str]:
        return [NGINX, "-p", str(self.folder), "-e", str(self.folder / "nginx-error.log"), "-c", str(config),
                *extra]

    def start(self, *, web_ports: list[int], static_root: Path, timeout: float = 15.0) -> None:
        config = self.main_config(self.render_site(web_ports=web_ports, static_root=static_root))
        subprocess.run(self.command(config, "-t", "-q"), check=True, capture_output=True)
        self.process = subprocess.Popen(self.command(config, "-g", "daemon off;"), stdout=subprocess.DEVNULL,
                                        stderr=open(self.folder / "nginx-stderr.log", "ab"))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.process.returncode}: {self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.https_port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"nginx did not listen within {timeout} s: {self.log()}")

    def log(self) -> str:
        parts = []
        for name in ("nginx-stderr.log", "nginx-error.log"):
            path = self.folder / name
            if path.exists():
                parts.append(path.read_text(errors="replace")[-3000:])
        return "\n".join(parts)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: nginx's fast shutdown
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def require_nginx() -> None:
    """Skip without Debian's nginx; fail instead when HADIR_REQUIRE_SERVICES=1 (CI installs it)."""
    if os.path.exists(NGINX):
        return
    problem = f"{NGINX} is missing (apt-get install nginx)"
    if services_required():
        pytest.fail(f"nginx is required (HADIR_REQUIRE_SERVICES=1): {problem}")
    pytest.skip(problem)
