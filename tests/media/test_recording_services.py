"""The recording's life without browsers (issue 20), against a real Janus: the sitting's end stops
it and logs it, the conversion runs once however often it is asked, and a recording with nothing in
it says so; a waiting or removed seat cannot start it."""

import pytest
from django.utils import timezone

from hearings.models import StatusLogEntry
from media import tasks
from media.convert import recording_convert
from media.models import JanusRoom, Recording
from media.recording import recording_set
from rooms import services as room_services
from rooms.errors import Forbidden
from tests.media.recording_world import make_hearing

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def recordings(settings, tmp_path, janus_settings):
    settings.HADIR_RECORDINGS_DIR = tmp_path / "recordings"
    return settings.HADIR_RECORDINGS_DIR


def test_the_sittings_end_stops_the_recording_and_the_log_says_so(recordings):
    world = make_hearing()
    recording = recording_set(occurrence=world.occurrence, by=world.clerk, on=True)
    assert recording.status == Recording.Status.RECORDING
    room = JanusRoom.objects.get(occurrence=world.occurrence)
    listed = room.janus.plugin_request("janus.plugin.videoroom", {"request": "list"})["list"]
    mine = next(entry for entry in listed if entry["room"] == room.room)
    assert mine["record"] is True and mine["lock_record"] is True
    assert mine["rec_dir"] == str(recordings / str(world.occurrence.pk))

    room_services.room_status_set(occurrence=world.occurrence, status="cancelled", by=world.clerk, reason="Batal")

    recording.refresh_from_db()
    assert recording.status == Recording.Status.STOPPED and recording.stopped_at is not None
    assert recording.segments[-1]["stop"] is not None
    log = list(StatusLogEntry.objects.filter(hearing=world.hearing).values_list("kind", "status"))
    assert log == [("recording_started", "scheduled"), ("status", "cancelled"), ("recording_stopped", "cancelled")]
    with pytest.raises(Exception, match="over"):
        recording_set(occurrence=world.occurrence, by=world.clerk, on=True)


def test_a_conversion_runs_once_and_nothing_recorded_is_empty(recordings):
    world = make_hearing()
    recording_set(occurrence=world.occurrence, by=world.clerk, on=True)
    recording = recording_set(occurrence=world.occurrence, by=world.clerk, on=False)
    Recording.objects.filter(pk=recording.pk).update(status=Recording.Status.PROCESSING, claimed_at=timezone.now())
    assert recording_convert(recording_id=recording.pk) is None  # another worker holds it
    Recording.objects.filter(pk=recording.pk).update(status=Recording.Status.STOPPED, claimed_at=None)
    assert tasks.convert_due() == {"ended": 0, "converted": 1}
    recording.refresh_from_db()
    assert recording.status == Recording.Status.EMPTY and not recording.file  # nobody published
    assert tasks.convert_due() == {"ended": 0, "converted": 0}


def test_only_a_signed_in_moderator_of_the_sitting_records(recordings):
    world = make_hearing()
    other = make_hearing()
    for seat in (world.party, other.clerk):
        with pytest.raises(Forbidden):
            recording_set(occurrence=world.occurrence, by=seat, on=True)
    assert not Recording.objects.exists()


def test_a_sitting_that_ran_out_of_time_stops_recording_in_janus_too(recordings, settings):
    from datetime import timedelta

    from scheduling.models import Occurrence

    world = make_hearing()
    recording_set(occurrence=world.occurrence, by=world.clerk, on=True)
    over = timezone.now() - timedelta(minutes=settings.HADIR_ROOM_CLOSES_AFTER_MINUTES + 1)
    Occurrence.objects.filter(pk=world.occurrence.pk).update(start=over - timedelta(hours=1), end=over)
    assert tasks.convert_due() == {"ended": 1, "converted": 1}
    room = JanusRoom.objects.get(occurrence=world.occurrence)
    listed = room.janus.plugin_request("janus.plugin.videoroom", {"request": "list"})["list"]
    assert next(entry for entry in listed if entry["room"] == room.room)["record"] is False
    recording = Recording.objects.get(occurrence=world.occurrence)
    assert recording.status == Recording.Status.EMPTY and "HADIR_RECORDINGS_DIR" in recording.error
    assert [kind for kind in StatusLogEntry.objects.filter(hearing=world.hearing).values_list("kind", flat=True)] \
        == ["recording_started", "recording_stopped"]


def test_a_teacher_records_a_class_where_the_school_allows_it(recordings):
    from datetime import timedelta

    from django.contrib.auth import get_user_model

    from classrooms import services as classes
    from classrooms.models import School

    make = get_user_model().objects.create_user
    teacher, student = make("recteacher", "t@example.org", "x"), make("recstudent", "s@example.org", "x")
    school = classes.school_create(name="SMA Rekam Kelas", timezone="Asia/Jakarta", by=None, admins=[teacher])
    today = timezone.localdate()
    classroom = classes.classroom_create(school=school, by=teacher, name="XII IPS", term_start=today,
                                         term_end=today + timedelta(days=30))
    classes.enrollment_add(classroom=classroom, by=teacher, user=student)
    start = timezone.now() + timedelta(minutes=1)
    meeting = classes.meeting_add(classroom=classroom, by=teacher, start=start, end=start + timedelta(hours=1),
                                  allow_conflicts=True).occurrences.get()
    seats = {seat.user_id: seat for seat in meeting.event.attendees.select_related("event")}
    with pytest.raises(Forbidden, match="not allowed"):
        recording_set(occurrence=meeting, by=seats[teacher.pk], on=True)
    School.objects.filter(pk=school.pk).update(allow_recording=True)
    with pytest.raises(Forbidden):
        recording_set(occurrence=meeting, by=seats[student.pk], on=True)
    recording = recording_set(occurrence=meeting, by=seats[teacher.pk], on=True)
    assert recording.status == Recording.Status.RECORDING and recording.segments[0]["by"] == seats[teacher.pk].name
    assert recording_set(occurrence=meeting, by=seats[teacher.pk], on=False).status == Recording.Status.STOPPED
