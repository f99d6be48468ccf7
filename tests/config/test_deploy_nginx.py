"""deploy/nginx: the renderer writes a site file Debian's nginx accepts, from HADIR_BASE_URL.

tests/e2e/test_behind_nginx.py serves Hadir through the same file; this checks the options alone.
"""

import subprocess
import sys

import pytest

from tests.support.nginx import RENDER, Nginx, require_nginx


def render(*options: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(RENDER), *options], capture_output=True, text=True, timeout=30)


REQUIRED = ("--certificate", "/etc/ssl/hadir.pem", "--certificate-key", "/etc/ssl/hadir.key",
            "--static-root", "/var/lib/hadir/static/")


def test_the_site_follows_the_base_url_and_lists_every_web_process():
    site = render("--base-url", "https://Hadir.Example", "--web-ports", "8001-8003,8005", *REQUIRED)
    assert site.returncode == 0, site.stderr
    text = site.stdout
    assert "{{" not in text
    servers = [line.split()[1] for line in text.splitlines() if line.strip().startswith("server 127.0.0.1:")]
    assert servers == ["127.0.0.1:8001", "127.0.0.1:8002", "127.0.0.1:8003", "127.0.0.1:8005"]
    assert "listen *:443 ssl;" in text and "listen [::]:443 ssl;" in text and "listen *:80;" in text
    assert "return 301 https://hadir.example$request_uri;" in text
    assert 'proxy_set_header Host "hadir.example";' in text
    assert "alias /var/lib/hadir/static/;" in text
    assert "sticky" not in text and "ip_hash" not in text


@pytest.mark.parametrize("base_url", ["http://hadir.example", "https://hadir.example/hadir", "hadir.example"])
def test_a_base_url_nginx_cannot_serve_is_refused_with_one_line(base_url):
    site = render("--base-url", base_url, "--web-ports", "8001", *REQUIRED)
    assert site.returncode == 2 and "https://name[:port]" in site.stderr and site.stdout == ""


def test_nginx_accepts_the_rendered_site(tmp_path):
    require_nginx()
    nginx = Nginx(tmp_path)
    config = nginx.main_config(nginx.render_site(web_ports=[8001, 8002], static_root=tmp_path / "static"))
    checked = subprocess.run(nginx.command(config, "-t"), capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    assert "warn" not in checked.stderr, checked.stderr
