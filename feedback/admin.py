from django.contrib import admin

from feedback.models import SessionFeedback, Submission


@admin.register(SessionFeedback)
class SessionFeedbackAdmin(admin.ModelAdmin):
    list_display = ["occurrence", "attendee", "rating", "connection", "anonymous", "updated_at"]
    readonly_fields = ["occurrence", "attendee"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organisation_kind", "organisation_key", "kind", "status", "created_at"]
    list_filter = ["organisation_kind", "status", "kind"]
    readonly_fields = ["token_hash", "address"]
