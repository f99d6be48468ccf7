from django.urls import path

from classrooms.api import attendance as attendance_api
from classrooms.api import classes as classes_api
from classrooms.api import home as home_api
from classrooms.api import meetings as meetings_api
from classrooms.api import roster as roster_api
from classrooms.api import schools as schools_api
from classrooms.views import attendance as attendance_views
from classrooms.views import classes as classes_views
from classrooms.views import home as home_views
from classrooms.views import meetings as meetings_views
from classrooms.views import roster as roster_views
from classrooms.views import schools as schools_views

app_name = "classrooms"
urlpatterns = [
    path("classrooms/", home_views.dashboard, name="dashboard"),
    path("classrooms/mine/", home_views.student_home, name="mine"),
    path("classrooms/new/", classes_views.classroom_create, name="create"),
    path("classrooms/enrol/", roster_views.self_enrol, name="enrol"),
    path("classrooms/enrol/<str:code>/", roster_views.self_enrol, name="enrol_code"),
    path("classrooms/schools/new/", schools_views.school_create, name="school_create"),
    path("classrooms/schools/<uuid:school_id>/", schools_views.school_detail, name="school"),
    path("classrooms/schools/<uuid:school_id>/holidays/", schools_views.holiday_add, name="holiday_add"),
    path(
        "classrooms/schools/<uuid:school_id>/holidays/<int:holiday_id>/remove/",
        schools_views.holiday_remove,
        name="holiday_remove",
    ),
    path("classrooms/<uuid:classroom_id>/", classes_views.classroom_detail, name="detail"),
    path("classrooms/<uuid:classroom_id>/edit/", classes_views.classroom_edit, name="edit"),
    path("classrooms/<uuid:classroom_id>/roster/add/", roster_views.enrollment_add, name="enrollment_add"),
    path(
        "classrooms/<uuid:classroom_id>/roster/<uuid:enrollment_id>/remove/",
        roster_views.enrollment_remove,
        name="enrollment_remove",
    ),
    path("classrooms/<uuid:classroom_id>/roster/import/", roster_views.roster_import, name="roster_import"),
    path(
        "classrooms/<uuid:classroom_id>/roster/import/confirm/",
        roster_views.roster_import_confirm,
        name="roster_import_confirm",
    ),
    path("classrooms/<uuid:classroom_id>/code/reset/", roster_views.code_reset, name="code_reset"),
    path("classrooms/<uuid:classroom_id>/schedule/", meetings_views.schedule, name="schedule"),
    path("classrooms/<uuid:classroom_id>/meetings/new/", meetings_views.meeting_add, name="meeting_add"),
    path(
        "classrooms/<uuid:classroom_id>/meetings/<uuid:occurrence_id>/",
        attendance_views.meeting_attendance,
        name="meeting",
    ),
    path(
        "classrooms/<uuid:classroom_id>/meetings/<uuid:occurrence_id>/move/",
        meetings_views.meeting_move,
        name="meeting_move",
    ),
    path(
        "classrooms/<uuid:classroom_id>/meetings/<uuid:occurrence_id>/cancel/",
        meetings_views.meeting_cancel,
        name="meeting_cancel",
    ),
    path(
        "classrooms/<uuid:classroom_id>/meetings/<uuid:occurrence_id>/attendance.csv",
        attendance_views.meeting_attendance_export, {"fmt": "csv"}, name="meeting_csv",
    ),
    path(
        "classrooms/<uuid:classroom_id>/meetings/<uuid:occurrence_id>/attendance.xlsx",
        attendance_views.meeting_attendance_export, {"fmt": "xlsx"}, name="meeting_xlsx",
    ),
    path("classrooms/<uuid:classroom_id>/attendance/", attendance_views.term_attendance, name="attendance"),
    path("classrooms/<uuid:classroom_id>/attendance.csv", attendance_views.term_attendance_export, {"fmt": "csv"},
         name="attendance_csv"),
    path("classrooms/<uuid:classroom_id>/attendance.xlsx", attendance_views.term_attendance_export, {"fmt": "xlsx"},
         name="attendance_xlsx"),
]

api_urlpatterns = [
    path("api/schools/", schools_api.SchoolListView.as_view(), name="api_schools"),
    path("api/schools/<uuid:school_id>/", schools_api.SchoolDetailView.as_view(), name="api_school"),
    path("api/schools/<uuid:school_id>/holidays/", schools_api.HolidayListView.as_view(), name="api_holidays"),
    path(
        "api/schools/<uuid:school_id>/holidays/<int:holiday_id>/",
        schools_api.HolidayDetailView.as_view(),
        name="api_holiday",
    ),
    path("api/classrooms/", classes_api.ClassroomListView.as_view(), name="api_classrooms"),
    path("api/classrooms/mine/", home_api.MyClassesView.as_view(), name="api_mine"),
    path("api/classrooms/dashboard/", home_api.DashboardView.as_view(), name="api_dashboard"),
    path("api/classrooms/enrol/", roster_api.SelfEnrolView.as_view(), name="api_enrol"),
    path("api/classrooms/<uuid:classroom_id>/", classes_api.ClassroomDetailView.as_view(), name="api_classroom"),
    path(
        "api/classrooms/<uuid:classroom_id>/enrolment-code/",
        roster_api.EnrolmentCodeView.as_view(),
        name="api_enrolment_code",
    ),
    path(
        "api/classrooms/<uuid:classroom_id>/enrollments/",
        roster_api.EnrollmentListView.as_view(),
        name="api_enrollments",
    ),
    path(
        "api/classrooms/<uuid:classroom_id>/enrollments/<uuid:enrollment_id>/",
        roster_api.EnrollmentDetailView.as_view(),
        name="api_enrollment",
    ),
    path(
        "api/classrooms/<uuid:classroom_id>/roster-import/",
        roster_api.RosterImportView.as_view(),
        name="api_roster_import",
    ),
    path("api/classrooms/<uuid:classroom_id>/schedule/", meetings_api.ScheduleView.as_view(), name="api_schedule"),
    path("api/classrooms/<uuid:classroom_id>/meetings/", meetings_api.MeetingListView.as_view(), name="api_meetings"),
    path(
        "api/classrooms/<uuid:classroom_id>/meetings/<uuid:occurrence_id>/move/",
        meetings_api.MeetingMoveView.as_view(),
        name="api_meeting_move",
    ),
    path(
        "api/classrooms/<uuid:classroom_id>/meetings/<uuid:occurrence_id>/cancel/",
        meetings_api.MeetingCancelView.as_view(),
        name="api_meeting_cancel",
    ),
    path(
        "api/classrooms/<uuid:classroom_id>/meetings/<uuid:occurrence_id>/attendance/",
        attendance_api.MeetingAttendanceView.as_view(),
        name="api_meeting_attendance",
    ),
    path(
        "api/classrooms/<uuid:classroom_id>/attendance/",
        attendance_api.TermAttendanceView.as_view(),
        name="api_attendance",
    ),
]
urlpatterns += api_urlpatterns
