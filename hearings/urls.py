from django.urls import include, path

from hearings import api, public_api, public_views, views

app_name = "hearings"
urlpatterns = [
    path("hearings/", views.index, name="index"),
    path("hearings/cases/", views.cases, name="cases"),
    path("hearings/cases/<uuid:case_id>/", views.case_detail, name="case"),
    path("hearings/<uuid:hearing_id>/", views.hearing_detail, name="hearing"),
    path("hearings/<uuid:hearing_id>/status/", views.hearing_status, name="status"),
    path("hearings/<uuid:hearing_id>/participants/", views.participant_add, name="participant_add"),
    path("hearings/<uuid:hearing_id>/record/", views.hearing_record, name="record"),
    path("hearings/<uuid:hearing_id>/participants.csv", views.participants_export, {"fmt": "csv"},
         name="participants_csv"),
    path("hearings/<uuid:hearing_id>/participants.xlsx", views.participants_export, {"fmt": "xlsx"},
         name="participants_xlsx"),
    path("hearings/observe/<str:token>/", views.observe, name="observe"),
    path("docket/<slug:court_slug>.ics", views.docket_ics, name="docket_ics"),
    path("docket/<slug:court_slug>/", views.docket, name="docket"),
    path("docket/<slug:court_slug>/listeners.json", public_views.docket_listeners, name="docket_listeners"),
    path("docket/<slug:court_slug>/case/", public_views.case_page, name="case_timeline"),
    path("docket/<slug:court_slug>/case.json", public_api.CaseTimelineView.as_view(), name="case_timeline_json"),
    path("courts/<slug:court_slug>/statistics/", public_views.statistics_page, name="statistics"),
    path("courts/<slug:court_slug>/statistics.json", public_api.StatisticsView.as_view(), name="statistics_json"),
    path("courts/<slug:court_slug>/statistics.csv", public_views.statistics_csv, name="statistics_csv"),
    path("api/hearings/", include(api.urlpatterns)),
]
