"""Every public hearing's observer link replaced at once (``manage.py links_rekey``)."""

from django.db import transaction

from hearings.models import Hearing
from scheduling import tokens

BATCH = 500


def observer_links_rekey(*, dry_run: bool = False) -> dict[str, int]:
    """New observer salts for every hearing; the old observer links answer 404."""
    hearings = Hearing.objects.all()
    counts = {"observer links": hearings.count()}
    if dry_run:
        return counts
    with transaction.atomic():
        batch = list(hearings.select_for_update().only("pk", "observer_salt", "observer_token_hash"))
        for hearing in batch:
            hearing.observer_salt = tokens.new_salt()
            hearing.observer_token_hash = tokens.token_hash(tokens.token_for("observe", hearing.observer_salt))
        Hearing.objects.bulk_update(batch, ["observer_salt", "observer_token_hash"], batch_size=BATCH)
    return counts
