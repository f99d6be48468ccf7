"""Unguessable personal tokens that the database alone cannot reveal.

A token is HMAC-SHA256(SECRET_KEY, purpose + salt), 256 bits, URL-safe. The row keeps the
random salt (to rebuild the link for later e-mails) and the token's SHA-256 (to look it up);
without SECRET_KEY neither gives the token. Rotating SECRET_KEY invalidates every link.
"""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings


def new_salt() -> str:
    return secrets.token_hex(32)


def token_for(purpose: str, salt: str) -> str:
    message = f"hadir:{purpose}:{salt}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
