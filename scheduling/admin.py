"""Back office: look, search and filter. Changes go through the services (SEQUENCE, signals,
invites), that is through the pages and the API, so the admin is read-only."""

from django.contrib import admin

from scheduling.models import Attendee, CalendarFeed, Event, Occurrence, Profile


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OccurrenceInline(admin.TabularInline):
    model = Occurrence
    extra = 0
    fields = ["recurrence_id", "start", "end", "status", "is_override", "is_rdate", "sequence"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class AttendeeInline(admin.TabularInline):
    model = Attendee
    extra = 0
    fields = ["name", "email", "user", "role", "rsvp", "removed_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "organizer", "start", "timezone", "rrule", "status", "sequence"]
    list_filter = ["status", "kind", "timezone"]
    search_fields = ["title", "uid", "resource", "organizer__username"]
    inlines = [AttendeeInline, OccurrenceInline]


@admin.register(Occurrence)
class OccurrenceAdmin(ReadOnlyAdmin):
    list_display = ["event", "start", "end", "status", "is_override"]
    list_filter = ["status", "is_override"]
    search_fields = ["event__title"]
    date_hierarchy = "start"


@admin.register(Attendee)
class AttendeeAdmin(ReadOnlyAdmin):
    list_display = ["name", "email", "event", "role", "rsvp", "removed_at"]
    list_filter = ["rsvp", "role"]
    search_fields = ["name", "email", "event__title"]
    exclude = ["join_token_salt"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "created_at", "revoked_at"]
    exclude = ["token_salt"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "timezone", "language"]
    search_fields = ["user__username"]
