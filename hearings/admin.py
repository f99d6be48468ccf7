from django.contrib import admin

from hearings.models import Case, Court, CourtMembership, Hearing, HearingParticipant, StatusLogEntry


class MembershipInline(admin.TabularInline):
    model = CourtMembership
    extra = 0


@admin.register(Court)
class CourtAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "timezone", "closed_display", "allow_recording"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["number", "court", "case_type", "parties"]
    list_filter = ["court", "case_type"]
    search_fields = ["number", "parties"]


class ParticipantInline(admin.TabularInline):
    model = HearingParticipant
    fk_name = "hearing"
    extra = 0
    readonly_fields = ["attendee", "role", "represents", "interprets_for"]
    can_delete = False


class LogInline(admin.TabularInline):
    model = StatusLogEntry
    extra = 0
    readonly_fields = ["at", "kind", "previous", "status", "by_name", "by_role", "reason", "next_at"]
    exclude = ["by_user"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Hearing)
class HearingAdmin(admin.ModelAdmin):
    """Read-mostly: status and seats change through the services (pages, API, room)."""

    list_display = ["case", "agenda", "courtroom", "status", "is_public"]
    list_filter = ["status", "is_public", "case__court"]
    readonly_fields = ["case", "event", "occurrence", "status", "status_reason", "next_at", "postponed_from",
                       "started_at", "ended_at", "previous"]
    inlines = [ParticipantInline, LogInline]
