from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/read/", views.mark_read, name="mark_read"),
    path("notifications/events/<uuid:event_id>/", views.event_log, name="event_log"),
    path("notifications/messages/<int:message_id>/retry/", views.retry, name="retry"),
]
