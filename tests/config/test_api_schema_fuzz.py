"""Schemathesis against the published schema (/api/schema/), signed in as the demo teacher and as
the demo clerk: every operation gets a bounded number of generated requests (the demo's own ids
in the paths it names); no answer is a server error, and every answer has a status code, a content
type and a body that the schema describes."""

import io
import json

import hypothesis
import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from classrooms.models import Classroom
from scheduling.models import Occurrence

pytestmark = pytest.mark.django_db

# Generated requests per operation and role: valid ones, and ones that break the schema on purpose
# (wrong types, missing fields), which must be refused with a 4xx, not crash.
EXAMPLES = {schemathesis.GenerationMode.POSITIVE: 12, schemathesis.GenerationMode.NEGATIVE: 3}
CHECKS = [schemathesis.checks.not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


def demo_ids() -> dict[str, str]:
    out = io.StringIO()
    call_command("seed_demo", "--json", stdout=out)
    demo = json.loads(out.getvalue())
    meeting = Occurrence.objects.select_related("event").get(pk=demo["classroom"]["meeting_occurrence_id"])
    hearing = Occurrence.objects.select_related("event").get(pk=demo["hearing"]["occurrence_id"])
    classroom = Classroom.objects.get(pk=demo["classroom"]["id"])
    return {
        "teacher": demo["classroom"]["teacher"]["username"],
        "clerk": demo["hearing"]["clerk"]["username"],
        "classroom_id": str(classroom.pk),
        "school_id": str(classroom.school_id),
        "occurrence_id": str(meeting.pk),
        "hearing_id": demo["hearing"]["id"],
        "court_slug": demo["hearing"]["court_slug"],
        "enrollment_id": str(classroom.enrollments.values_list("pk", flat=True).first()),
        "event": str(meeting.event_id),
        "sitting": str(hearing.pk),
        "attendee": str(meeting.event.attendees.exclude(user__username=demo["classroom"]["teacher"]["username"])
                        .values_list("pk", flat=True).first()),
    }


def path_parameters(operation, ids: dict[str, str]) -> dict[str, str]:
    """The demo's ids for the operation's path parameters (``{id}`` by what the path names)."""
    path = operation.path
    known = dict(ids)
    known["id"] = ids["attendee"] if path.startswith("/api/attendees/") else (
        ids["sitting"] if path.startswith("/api/occurrences/") else ids["event"])
    return {name: known[name] for name in known if name in operation.path_parameters}


def fuzz(operation, mode, headers: dict, ids: dict) -> str | None:
    """The first failure of the operation's generated requests, with the request that caused it."""
    failed = []

    @hypothesis.given(case=operation.as_strategy(mode, path_parameters=path_parameters(operation, ids)))
    @hypothesis.settings(max_examples=EXAMPLES[mode], deadline=None, database=None, derandomize=True,
                         phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
                         suppress_health_check=list(hypothesis.HealthCheck))
    def run(case):
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except Exception as failure:
            failed.append(f"{type(failure).__name__}: {failure}\n    {case.as_curl_command(headers=headers)}")
            raise

    try:
        run()
    except hypothesis.errors.Unsatisfiable:
        return None  # nothing to break: every part of the request is fixed
    except (AssertionError, BaseExceptionGroup) as error:
        return failed[-1] if failed else f"{type(error).__name__}: {error}"
    return None


@pytest.fixture
def in_this_transaction():
    """Requests served in this thread keep the test's database connection (as Django's test client does)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.timeout(600)  # about 80 s of CPU; more on a busy machine
def test_the_api_answers_every_generated_request_as_its_schema_says(in_this_transaction):
    ids = demo_ids()
    schema = schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    failures = {}
    for role in ("teacher", "clerk"):
        user = get_user_model().objects.get(username=ids[role])
        headers = {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}
        for operation in operations:
            for mode in EXAMPLES:
                problem = fuzz(operation, mode, headers, ids)
                if problem and fuzz(operation, mode, headers, ids) is None:
                    # The examples are derandomised: a failure that does not come back on the same
                    # requests was the machine (seen once under a load average of 10), not the API.
                    print(f"not reproduced: {role} {mode.value} {operation.label}: {problem}")
                    problem = None
                if problem:
                    failures[f"{role} {mode.value} {operation.label}"] = problem
    assert not failures, "\n\n".join(f"{where}: {problem}" for where, problem in failures.items())
