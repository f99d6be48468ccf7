"""Bad configuration stops the process with one line naming the variable, never a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items()
             if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('loaded')"],
        cwd=ROOT, env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True, text=True, timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DEBUG": "1", "DATABASE_URL": "mysql//nonsense"}, "DATABASE_URL"),
        ({"DEBUG": "1", "DATABASE_URL": "postgres://localhost:notaport/db"}, "DATABASE_URL"),
        ({"DEBUG": "1", "REDIS_URL": "http://127.0.0.1:6379"}, "REDIS_URL"),
        ({"DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:port/0"}, "REDIS_URL"),
        ({"DEBUG": "0"}, "SECRET_KEY"),
        ({"DEBUG": "0", "SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DEBUG": "1", "TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE"),
        ({"DEBUG": "1", "HADIR_BASE_URL": "not a url"}, "HADIR_BASE_URL"),
        ({"DEBUG": "1", "EMAIL_PORT": "twenty-five"}, "EMAIL_PORT"),
        ({"DEBUG": "1", "HADIR_REPLY_DOMAIN": "replies@hadir.example"}, "HADIR_REPLY_DOMAIN"),
        ({"DEBUG": "1", "HADIR_REPLY_DOMAIN": "bad domain"}, "HADIR_REPLY_DOMAIN"),
    ],
)
def test_bad_setting_is_one_line_naming_the_variable(env, variable):
    result = load_settings(**env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("hadir: configuration error: ")
    assert variable in lines[0]
    assert "Traceback" not in result.stderr


def test_production_settings_load_with_a_secret_key():
    result = load_settings(DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="hadir.example")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "loaded"


def test_the_run_uses_the_setup_it_names():
    """The embedded default without DATABASE_URL/REDIS_URL; PostgreSQL, Redis layer and broker with them."""
    from django.conf import settings

    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    if os.environ.get("HADIR_SCALED_RUN") == "1":
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
        assert layer == "channels_redis.core.RedisChannelLayer"
        assert settings.Q_CLUSTER["redis"] == settings.REDIS_URL and "orm" not in settings.Q_CLUSTER
    else:
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
        assert layer == "channels.layers.InMemoryChannelLayer"
        assert settings.Q_CLUSTER["orm"] == "default" and "redis" not in settings.Q_CLUSTER
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert [code for code, _ in settings.LANGUAGES] == ["en", "id"]


def test_preflight_names_an_unreachable_redis(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "preflight"], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**{k: v for k, v in os.environ.items() if k != "DATABASE_URL"}, "DEBUG": "1",
             "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "REDIS_URL": "redis://127.0.0.1:1/0"},
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "REDIS_URL" in lines[0] and "Traceback" not in result.stderr


def test_preflight_names_an_unreachable_database():
    result = subprocess.run(
        [sys.executable, "manage.py", "preflight"], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "DEBUG": "1", "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"},
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "DATABASE_URL" in lines[0] and "Traceback" not in result.stderr


def bare_manage(*arguments: str) -> subprocess.CompletedProcess:
    """manage.py with neither DEBUG nor SECRET_KEY set, as on a bare checkout."""
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECRET_KEY", "DATABASE_URL",
                                                                          "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_checking_migrations_needs_no_secret_key_but_serving_does():
    checked = bare_manage("makemigrations", "--check", "--dry-run")
    assert checked.returncode == 0, checked.stderr
    refused = bare_manage("migrate", "--plan")
    assert refused.returncode == 1 and "SECRET_KEY" in refused.stderr and "Traceback" not in refused.stderr
