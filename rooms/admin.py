"""Back office: the rooms' record, read-only (changes go through the services: policy, audit, sockets)."""

from django.contrib import admin

from rooms.models import Admission, AttendanceInterval, AuditEntry, ChatMessage, RoomState


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RoomState)
class RoomStateAdmin(ReadOnlyAdmin):
    list_display = ["occurrence", "status", "reason", "next_at", "changed_at"]
    list_filter = ["status"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "occurrence", "action", "by", "subject", "reason"]
    list_filter = ["action"]
    search_fields = ["by__name", "subject__name", "reason"]
    list_select_related = ["occurrence__event", "by", "subject"]


@admin.register(Admission)
class AdmissionAdmin(ReadOnlyAdmin):
    list_display = ["occurrence", "attendee", "decision", "by", "decided_at"]
    list_filter = ["decision"]


@admin.register(ChatMessage)
class ChatMessageAdmin(ReadOnlyAdmin):
    list_display = ["sent_at", "occurrence", "attendee", "text"]
    search_fields = ["text", "attendee__name"]


@admin.register(AttendanceInterval)
class AttendanceIntervalAdmin(ReadOnlyAdmin):
    list_display = ["occurrence", "attendee", "joined_at", "left_at", "last_seen_at", "instance"]
