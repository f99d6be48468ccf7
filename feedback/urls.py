"""Feedback's pages and API. The organisation routes are made for each registered organisation
kind (``feedback.registry``): /courts/<court_slug>/feedback/..., /schools/<school_slug>/feedback/..."""

from django.urls import path

from feedback import api, registry, views

app_name = "feedback"


def _organisation_routes(kind: registry.OrganisationKind) -> list:
    page = f"{kind.url_prefix}/<slug:{kind.key}_slug>/feedback/"
    fixed = {"organisation_kind": kind.key}
    return [
        path(page, views.submit, fixed, name=f"{kind.key}_submit"),
        path(page + "public/", views.public_list, fixed, name=f"{kind.key}_public"),
        path(page + "inbox/", views.inbox, fixed, name=f"{kind.key}_inbox"),
        path(page + "inbox/<str:reference>/", views.decide, fixed, name=f"{kind.key}_decide"),
        path(page + "<str:reference>/", views.follow, fixed, name=f"{kind.key}_follow"),
        path("api/" + page, api.PublicFeedbackView.as_view(), fixed, name=f"api_{kind.key}_feedback"),
        path("api/" + page + "inbox/", api.InboxView.as_view(), fixed, name=f"api_{kind.key}_inbox"),
        path("api/" + page + "inbox/<str:reference>/", api.DecisionView.as_view(), fixed,
             name=f"api_{kind.key}_decide"),
        path("api/" + page + "<str:reference>/", api.AuthorFeedbackView.as_view(), fixed,
             name=f"api_{kind.key}_follow"),
    ]


urlpatterns = [
    path("feedback/<str:join_token>/", views.session_feedback, name="session"),
    path("api/feedback/<str:join_token>/", api.SessionFeedbackView.as_view(), name="api_session"),
    path("api/events/<uuid:id>/feedback/", api.EventFeedbackView.as_view(), name="api_event"),
    *[route for kind in registry.organisation_kinds() for route in _organisation_routes(kind)],
]
