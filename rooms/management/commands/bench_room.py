"""A room open now, with one moderator, N attendees who enter directly and M listen-only members (the
room's audience: counted, not listed; role ``audience``), for load clients.

Everything goes through the services users' actions use (``event_create``, ``attendee_add`` with
``notify=False``), so a load client drives a real room through real join links and sessions::

    python manage.py bench_room --participants 50 --audience 4950 --json
"""

import json
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from rooms.policies import AUDIENCE_ROLE
from scheduling import services

# The room opens HADIR_ROOM_OPENS_BEFORE_MINUTES before the start, so a start a minute ahead is open now.
STARTS_IN = timedelta(minutes=1)
DURATION = timedelta(hours=4)


def bench_room(*, participants: int, audience: int = 0, title: str = "") -> dict:
    """Create the room; return its join links (paths relative to ``base_url``)."""
    label = uuid.uuid4().hex[:10]
    with transaction.atomic():
        organizer = get_user_model().objects.create_user(
            username=f"bench-{label}", email=f"bench-{label}@bench.invalid", password=None, is_staff=True
        )
        event = services.event_create(
            organizer=organizer, title=title or f"Bench room {label} ({participants})",
            start=timezone.now() + STARTS_IN, duration=DURATION, timezone=settings.TIME_ZONE,
            allow_conflicts=True,
        )
        moderator = services.attendee_add(event=event, user=organizer, name="Moderator", notify=False)
        attendees = [
            services.attendee_add(
                event=event, name=f"Participant {index:05d}", email=f"p{index}-{label}@bench.invalid", notify=False
            )
            for index in range(1, participants + 1)
        ]
        listeners = [
            services.attendee_add(
                event=event, name=f"Listener {index:05d}", email=f"l{index}-{label}@bench.invalid",
                role=AUDIENCE_ROLE, notify=False,
            )
            for index in range(1, audience + 1)
        ]
    occurrence = event.occurrences.get()
    return {
        "base_url": settings.HADIR_BASE_URL,
        "occurrence_id": str(occurrence.pk),
        "moderator": {"id": str(moderator.pk), "join_url": moderator.join_path},
        "participants": [{"id": str(a.pk), "name": a.name, "join_url": a.join_path} for a in attendees],
        "audience": [{"id": str(a.pk), "name": a.name, "join_url": a.join_path} for a in listeners],
    }


class Command(BaseCommand):
    help = (
        "Create a room open now with one moderator, N attendees who enter directly and M listen-only "
        "members; print their join links."
    )

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, required=True, help="attendees besides the moderator")
        parser.add_argument("--audience", type=int, default=0, help="listen-only members (counted, not listed)")
        parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")

    def handle(self, *args, **options):
        count, audience = options["participants"], options["audience"]
        if not 0 <= count <= 100_000:
            raise CommandError("--participants must be between 0 and 100000")
        if not 0 <= audience <= 100_000:
            raise CommandError("--audience must be between 0 and 100000")
        room = bench_room(participants=count, audience=audience)
        if options["json"]:
            self.stdout.write(json.dumps(room))
            return
        base = room["base_url"]
        self.stdout.write(f"Room {room['occurrence_id']}: {base}/rooms/{room['occurrence_id']}/")
        self.stdout.write(f"moderator: {base}{room['moderator']['join_url']}")
        for person in room["participants"] + room["audience"]:
            self.stdout.write(f"{person['name']}: {base}{person['join_url']}")
