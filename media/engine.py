"""Janus as the rooms' media engine (``rooms.policies.register_media_engine``): rooms asks it, and
never imports this app."""

from __future__ import annotations

from django.conf import settings

from media import audiobridge, recording, services
from media.bridge_keeper import KEEPER


class JanusEngine:
    mode = "janus"

    def enabled(self) -> bool:
        return bool(settings.JANUS_URL)

    def ticket(self, *, occurrence, attendee, policy, moderator: bool) -> dict:
        return services.media_ticket(occurrence=occurrence, attendee=attendee, policy=policy, moderator=moderator)

    def mute(self, *, occurrence, attendee, mute: bool) -> int:
        return services.media_mute(occurrence=occurrence, attendee=attendee, mute=mute)

    def audio_only(self, *, occurrence, attendee, on: bool, feed=None) -> dict:
        if on:
            return audiobridge.audio_only_start(occurrence=occurrence, attendee=attendee, feed=feed, keeper=KEEPER.id)
        return audiobridge.audio_only_stop(occurrence=occurrence, attendee=attendee)

    async def run_forever(self) -> None:
        await KEEPER.run_forever()

    def record(self, *, occurrence, by, on: bool) -> None:
        recording.recording_set(occurrence=occurrence, by=by, on=on)

    def room_facts(self, occurrences: list) -> dict:
        return recording.room_facts(occurrences)
