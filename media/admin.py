"""Back office: the sittings' recordings, read-only (they change through the room and the worker)."""

from django.contrib import admin

from media.models import Recording
from rooms.admin import ReadOnlyAdmin


@admin.register(Recording)
class RecordingAdmin(ReadOnlyAdmin):
    list_display = ["occurrence", "status", "started_at", "stopped_at", "duration_seconds", "size_bytes"]
    list_filter = ["status"]
    readonly_fields = ["occurrence", "status", "folder", "file", "duration_seconds", "size_bytes", "started_at",
                       "stopped_at", "segments", "converted_at", "claimed_at", "raw_purged_at", "error"]
