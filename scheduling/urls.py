from django.urls import path

from scheduling import api, views

app_name = "scheduling"
urlpatterns = [
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
    path("rsvp/<str:token>/", views.rsvp, name="rsvp"),
    path("schedule/", views.schedule, name="schedule"),
    path("schedule/answer/<uuid:attendee_id>/", views.schedule_answer, name="answer"),
    path("schedule/feed/rotate/", views.feed_rotate, name="feed_rotate"),
    path("schedule/events/<uuid:event_id>/people/", views.event_people, name="event_people"),
    path("schedule/people/<uuid:attendee_id>/link/<str:action>/", views.attendee_link, name="attendee_link"),
    path("api/events/", api.EventListCreate.as_view(), name="api-events"),
    path("api/events/<uuid:pk>/", api.EventDetail.as_view(), name="api-event"),
    path("api/events/<uuid:pk>/cancel/", api.EventCancel.as_view(), name="api-event-cancel"),
    path("api/events/<uuid:pk>/attendees/", api.AttendeeCreate.as_view(), name="api-attendees"),
    path("api/attendees/<uuid:pk>/", api.AttendeeDelete.as_view(), name="api-attendee"),
    path("api/attendees/<uuid:pk>/link/rotate/", api.AttendeeLink.as_view(link_action="rotate"),
         name="api-attendee-link-rotate"),
    path("api/attendees/<uuid:pk>/link/revoke/", api.AttendeeLink.as_view(link_action="revoke"),
         name="api-attendee-link-revoke"),
    path("api/attendees/<uuid:pk>/link/resend/", api.AttendeeLink.as_view(link_action="resend"),
         name="api-attendee-link-resend"),
    path("api/occurrences/<uuid:pk>/move/", api.OccurrenceMove.as_view(), name="api-occurrence-move"),
    path("api/occurrences/<uuid:pk>/cancel/", api.OccurrenceCancel.as_view(), name="api-occurrence-cancel"),
    path("api/me/occurrences/", api.MyOccurrences.as_view(), name="api-my-occurrences"),
]
