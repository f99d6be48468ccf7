from tests.classrooms.conftest import PASSWORD, make_user


def test_every_classroom_endpoint_is_in_the_openapi_schema(client, db):
    make_user("reader")
    client.login(username="reader", password=PASSWORD)
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    expected = {
        "/api/schools/": {"get", "post"},
        "/api/schools/{school_id}/": {"get", "patch"},
        "/api/schools/{school_id}/holidays/": {"post"},
        "/api/schools/{school_id}/holidays/{holiday_id}/": {"delete"},
        "/api/classrooms/": {"get", "post"},
        "/api/classrooms/mine/": {"get"},
        "/api/classrooms/dashboard/": {"get"},
        "/api/classrooms/enrol/": {"post"},
        "/api/classrooms/{classroom_id}/": {"get", "patch"},
        "/api/classrooms/{classroom_id}/enrolment-code/": {"post"},
        "/api/classrooms/{classroom_id}/enrollments/": {"get", "post"},
        "/api/classrooms/{classroom_id}/enrollments/{enrollment_id}/": {"delete"},
        "/api/classrooms/{classroom_id}/roster-import/": {"post"},
        "/api/classrooms/{classroom_id}/schedule/": {"post"},
        "/api/classrooms/{classroom_id}/meetings/": {"get", "post"},
        "/api/classrooms/{classroom_id}/meetings/{occurrence_id}/move/": {"post"},
        "/api/classrooms/{classroom_id}/meetings/{occurrence_id}/cancel/": {"post"},
        "/api/classrooms/{classroom_id}/meetings/{occurrence_id}/attendance/": {"get"},
        "/api/classrooms/{classroom_id}/attendance/": {"get"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))
