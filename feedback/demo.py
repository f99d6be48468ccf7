"""Demo helpers (``classrooms.demo``, ``hearings.demo``): a few answered and published messages
from the public, so that an organisation's public list is not empty. Idempotent."""

from __future__ import annotations

from feedback import registry, selectors, services
from feedback.models import Submission


def published_examples(*, kind_key: str, organisation, by, examples: list[tuple[str, str, str]]) -> None:
    """``examples``: (kind, what the public wrote, the answer); added once, published."""
    kind = registry.organisation_kind(kind_key)
    mine = selectors.submissions_of(kind=kind, organisation=organisation)
    for what, text, answer in examples:
        if mine.filter(text=text).exists():
            continue
        submission = services.submission_create(organisation_kind=kind, organisation=organisation, kind=what,
                                                text=text)
        services.submission_answer(submission=submission, by=by, answer=answer)
        services.submission_publish(submission=Submission.objects.get(pk=submission.pk), by=by)
