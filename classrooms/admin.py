from django.contrib import admin

from classrooms.models import ClassEvent, Classroom, Enrollment, Holiday, School


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "timezone", "allow_recording"]
    search_fields = ["name"]
    filter_horizontal = ["admins"]
    inlines = [HolidayInline]


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["name", "subject", "school", "term_start", "term_end", "size_limit"]
    list_filter = ["school"]
    search_fields = ["name", "subject"]
    filter_horizontal = ["teachers"]
    readonly_fields = ["enrolment_code"]
    inlines = [EnrollmentInline]


@admin.register(ClassEvent)
class ClassEventAdmin(admin.ModelAdmin):
    list_display = ["classroom", "event", "is_term_schedule"]
    raw_id_fields = ["event"]
