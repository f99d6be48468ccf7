import pytest


@pytest.fixture
def janus_settings(janus, settings):
    for name, value in janus.settings().items():
        setattr(settings, name, [value] if name in ("JANUS_URL", "JANUS_ADMIN_URL") else value)
    return janus


@pytest.fixture(autouse=True)
def lobby_policy():
    from rooms.policies import _registry, register_policy
    from tests.rooms.factories import LobbyPolicy

    register_policy("test-lobby", LobbyPolicy())
    yield
    _registry.pop("test-lobby", None)
