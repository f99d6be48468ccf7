"""Back office: the outbox, read-only (a retry goes through the organiser's delivery page, which
keeps the at-most-once promise). A row's bodies, calendar and link are not shown: they carry the
recipient's personal join link."""

from django.contrib import admin

from notifications.models import Message, ShortNotice, WorkerHeartbeat


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "channel", "status", "name", "email", "event", "attempts", "next_attempt_at",
                    "sent_at"]
    list_filter = ["status", "channel", "kind", ("event", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["email", "name", "subject", "event__title", "last_error"]
    list_select_related = ["event"]
    date_hierarchy = "created_at"
    fields = ["idempotency_key", "kind", "channel", "status", "event", "occurrence", "attendee", "user", "name",
              "email", "language", "subject", "sequence", "method", "minutes_before", "attempts", "last_error",
              "next_attempt_at", "lease_until", "sent_at", "read_at", "created_at"]
    readonly_fields = fields


@admin.register(ShortNotice)
class ShortNoticeAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "event", "starts_at", "required", "given"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["name", "beat_at", "host"]

