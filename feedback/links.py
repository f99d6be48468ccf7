"""The one place that writes a submission's private follow-up address (receipt, e-mail, API)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from feedback.models import Submission


def follow_path(kind: Any, organisation: Any, submission: Submission) -> str:
    """``kind``: the ``feedback.registry.OrganisationKind`` the submission was sent to."""
    path = reverse(f"feedback:{kind.key}_follow", args=[kind.slug(organisation), submission.reference])
    return f"{path}?token={submission.token}"
