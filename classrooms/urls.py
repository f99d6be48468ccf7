from django.urls import path

from classrooms import api, views

app_name = "classrooms"
urlpatterns = [
    path("classrooms/", views.dashboard, name="dashboard"),
    path("classrooms/mine/", views.student_home, name="mine"),
    path("classrooms/new/", views.classroom_create, name="create"),
    path("classrooms/enrol/", views.self_enrol, name="enrol"),
    path("classrooms/enrol/<str:code>/", views.self_enrol, name="enrol_code"),
    path("classrooms/schools/new/", views.school_create, name="school_create"),
    path("classrooms/schools/<uuid:school_id>/", views.school_detail, name="school"),
    path("classrooms/schools/<uuid:school_id>/holidays/", views.holiday_add, name="holiday_add"),
    path(
        "classrooms/schools/<uuid:school_id>/holidays/<int:holiday_id>/remove/",
        views.holiday_remove,
        name="holiday_remove",
    ),
    path("classrooms/<uuid:classroom_id>/", views.classroom_detail, name="detail"),
    path("classrooms/<uuid:classroom_id>/edit/", views.classroom_edit, name="edit"),
    path("classrooms/<uuid:classroom_id>/roster/add/", views.enrollment_add, name="enrollment_add"),
    path(
        "classrooms/<uuid:classroom_id>/roster/<uuid:enrollment_id>/remove/",
        views.enrollment_remove,
        name="enrollment_remove",
    ),
    path("classrooms/<uuid:classroom_id>/roster/import/", views.roster_import, name="roster_import"),
    path(
        "classrooms/<uuid:classroom_id>/roster/import/confirm/",
        views.roster_import_confirm,
        name="roster_import_confirm",
    ),
    path("classrooms/<uuid:classroom_id>/code/reset/", views.code_reset, name="code_reset"),
    path("classrooms/<uuid:classroom_id>/schedule/", views.schedule, name="schedule"),
    path("classrooms/<uuid:classroom_id>/meetings/new/", views.meeting_add, name="meeting_add"),
    path(
        "classrooms/<uuid:classroom_id>/meetings/<uuid:occurrence_id>/",
        views.meeting_attendance,
        name="meeting",
    ),
    path(
        "classrooms/<uuid:classroom_id>/meetings/<uuid:occurrence_id>/move/",
        views.meeting_move,
        name="meeting_move",
    ),
    path(
        "classrooms/<uuid:classroom_id>/meetings/<uuid:occurrence_id>/cancel/",
        views.meeting_cancel,
        name="meeting_cancel",
    ),
    path(
        "classrooms/<uuid:classroom_id>/meetings/<uuid:occurrence_id>/attendance.csv",
        views.meeting_attendance_csv,
        name="meeting_csv",
    ),
    path("classrooms/<uuid:classroom_id>/attendance/", views.term_attendance, name="attendance"),
    path("classrooms/<uuid:classroom_id>/attendance.csv", views.term_attendance_csv, name="attendance_csv"),
]

api_urlpatterns = [
    path("api/schools/", api.SchoolListView.as_view(), name="api_schools"),
    path("api/schools/<uuid:school_id>/", api.SchoolDetailView.as_view(), name="api_school"),
    path("api/schools/<uuid:school_id>/holidays/", api.HolidayListView.as_view(), name="api_holidays"),
    path(
        "api/schools/<uuid:school_id>/holidays/<int:holiday_id>/",
        api.HolidayDetailView.as_view(),
        name="api_holiday",
    ),
    path("api/classrooms/", api.ClassroomListView.as_view(), name="api_classrooms"),
    path("api/classrooms/mine/", api.MyClassesView.as_view(), name="api_mine"),
    path("api/classrooms/dashboard/", api.DashboardView.as_view(), name="api_dashboard"),
    path("api/classrooms/enrol/", api.SelfEnrolView.as_view(), name="api_enrol"),
    path("api/classrooms/<uuid:classroom_id>/", api.ClassroomDetailView.as_view(), name="api_classroom"),
    path(
        "api/classrooms/<uuid:classroom_id>/enrolment-code/",
        api.EnrolmentCodeView.as_view(),
        name="api_enrolment_code",
    ),
    path(
        "api/classrooms/<uuid:classroom_id>/enrollments/",
        api.EnrollmentListView.as_view(),
        name="api_enrollments",
    ),
    path(
        "api/classrooms/<uuid:classroom_id>/enrollments/<uuid:enrollment_id>/",
        api.EnrollmentDetailView.as_view(),
        name="api_enrollment",
    ),
    path(
        "api/classrooms/<uuid:classroom_id>/roster-import/",
        api.RosterImportView.as_view(),
        name="api_roster_import",
    ),
    path("api/classrooms/<uuid:classroom_id>/schedule/", api.ScheduleView.as_view(), name="api_schedule"),
    path("api/classrooms/<uuid:classroom_id>/meetings/", api.MeetingListView.as_view(), name="api_meetings"),
    path(
        "api/classrooms/<uuid:classroom_id>/meetings/<uuid:occurrence_id>/move/",
        api.MeetingMoveView.as_view(),
        name="api_meeting_move",
    ),
    path(
        "api/classrooms/<uuid:classroom_id>/meetings/<uuid:occurrence_id>/cancel/",
        api.MeetingCancelView.as_view(),
        name="api_meeting_cancel",
    ),
    path(
        "api/classrooms/<uuid:classroom_id>/meetings/<uuid:occurrence_id>/attendance/",
        api.MeetingAttendanceView.as_view(),
        name="api_meeting_attendance",
    ),
    path(
        "api/classrooms/<uuid:classroom_id>/attendance/",
        api.TermAttendanceView.as_view(),
        name="api_attendance",
    ),
]
urlpatterns += api_urlpatterns
