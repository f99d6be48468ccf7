"""Replace every personal link at once: join links, calendar feeds and observer links."""

from django.core.management.base import BaseCommand

from hearings.links import observer_links_rekey
from scheduling.services.links import links_rekey


class Command(BaseCommand):
    help = (
        "Give every join link, calendar feed and observer link a new salt: every link sent so far stops "
        "working, whatever key made it. Send invitations again afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would be replaced, change nothing")

    def handle(self, *args, dry_run: bool = False, **options):
        counts = {**links_rekey(dry_run=dry_run), **observer_links_rekey(dry_run=dry_run)}
        verb = "would replace" if dry_run else "replaced"
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(f"links_rekey: {verb} {summary}")
        if not dry_run:
            self.stdout.write("links_rekey: every earlier link now answers 404; send the invitations again.")
