from tests.notifications.conftest import smtp_server, sync_tasks  # noqa: F401 - fixtures
