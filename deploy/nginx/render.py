#!/usr/bin/env python3
"""Write Hadir's nginx site file from hadir.conf.template (Python's standard library only).

    python3 deploy/nginx/render.py --base-url https://hadir.example --web-ports 8001-8004 \\
        --certificate /etc/letsencrypt/live/hadir.example/fullchain.pem \\
        --certificate-key /etc/letsencrypt/live/hadir.example/privkey.pem \\
        --static-root /var/lib/hadir/static > /etc/nginx/sites-available/hadir

The public name and HTTPS port come from HADIR_BASE_URL, so that nginx, the redirect and Hadir's
origin checks agree on one origin.
"""

import argparse
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

TEMPLATE = Path(__file__).with_name("hadir.conf.template")
FIELD = re.compile(r"\{\{ (\w+) \}\}")


def ports(text: str) -> list[int]:
    """``8001-8004`` or ``8001,8003``: the web processes' ports."""
    found = []
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        found.extend(range(int(first), int(last or first) + 1))
    if not found or not all(0 < port < 65536 for port in found):
        raise argparse.ArgumentTypeError(f"no valid ports in {text!r}")
    return found


def render(*, base_url: str, web_ports: list[int], certificate: str, certificate_key: str, static_root: str,
           web_host: str = "127.0.0.1", listen: list[str] | None = None, http_port: int = 80,
           acme_root: str = "/var/www/letsencrypt") -> str:
    parts = urlsplit(base_url.rstrip("/"))
    if parts.scheme != "https" or not parts.hostname or parts.path:
        raise ValueError(f"the base URL must be https://name[:port] with no path, not {base_url!r}")
    https_port = parts.port or 443
    listen = listen or ["*", "[::]"]
    fields = {
        "base_url": f"https://{parts.netloc.lower()}",
        "server_name": parts.hostname,
        "host": parts.netloc.lower(),
        "upstream_servers": "\n".join(f"    server {web_host}:{port} max_fails=1 fail_timeout=5s;"
                                      for port in web_ports),
        "listen_http": "\n".join(f"    listen {address}:{http_port};" for address in listen),
        "listen_https": "\n".join(f"    listen {address}:{https_port} ssl;" for address in listen),
        "certificate": certificate,
        "certificate_key": certificate_key,
        "static_root": str(static_root).rstrip("/"),
        "acme_root": acme_root,
    }
    return FIELD.sub(lambda match: fields[match.group(1)], TEMPLATE.read_text())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True, help="HADIR_BASE_URL, https://name[:port]")
    parser.add_argument("--web-ports", type=ports, required=True, help="the web processes' ports: 8001-8004")
    parser.add_argument("--web-host", default="127.0.0.1", help="where the web processes listen")
    parser.add_argument("--certificate", required=True, help="the certificate chain (PEM)")
    parser.add_argument("--certificate-key", required=True, help="its private key (PEM)")
    parser.add_argument("--static-root", required=True, help="STATIC_ROOT, where collectstatic writes")
    parser.add_argument("--listen", action="append", help="an address to listen on (default: * and [::])")
    parser.add_argument("--http-port", type=int, default=80, help="the port that redirects to HTTPS")
    parser.add_argument("--acme-root", default="/var/www/letsencrypt", help="certbot's --webroot folder")
    options = parser.parse_args(argv)
    try:
        text = render(base_url=options.base_url, web_ports=options.web_ports, certificate=options.certificate,
                      certificate_key=options.certificate_key, static_root=options.static_root,
                      web_host=options.web_host, listen=options.listen, http_port=options.http_port,
                      acme_root=options.acme_root)
    except ValueError as exc:
        parser.error(str(exc))
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
