"""The Janus servers Hadir places sittings on (``JANUS_URL``, ``JANUS_ADMIN_URL``, secrets)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from media.janus import JanusServer


def janus_servers() -> list[JanusServer]:
    urls, admin_urls = settings.JANUS_URL, settings.JANUS_ADMIN_URL
    if len(admin_urls) != len(urls):
        raise ImproperlyConfigured("JANUS_ADMIN_URL must list one admin URL per server of JANUS_URL, in its order.")
    return [
        JanusServer(url=url.rstrip("/"), admin_url=admin.rstrip("/"), api_secret=settings.JANUS_API_SECRET,
                    admin_secret=settings.JANUS_ADMIN_SECRET, admin_key=settings.JANUS_ADMIN_KEY)
        for url, admin in zip(urls, admin_urls, strict=True)
    ]


def janus_server(*, url: str, admin_url: str) -> JanusServer:
    """The server a sitting was placed on (it keeps it while it lasts, even if taken off the list)."""
    return JanusServer(url=url, admin_url=admin_url, api_secret=settings.JANUS_API_SECRET,
                       admin_secret=settings.JANUS_ADMIN_SECRET, admin_key=settings.JANUS_ADMIN_KEY)
