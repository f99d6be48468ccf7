"""deploy/systemd: the units agree with each other, with the environment file and with this tree.

Paths in the units are the install folder /opt/hadir; here they are checked against the repository
(the same tree), and ``systemd-analyze verify`` (where present) reads them with /opt/hadir replaced
by it, so that a command that does not exist or a malformed line fails the test.
"""

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.daphne import ROOT

UNITS = ROOT / "deploy" / "systemd"
INSTALL = "/opt/hadir"
ENV_FILE = "/etc/hadir/hadir.env"
SERVICES = ["hadir-web@.service", "hadir-uvicorn@.service", "hadir-worker.service"]


def sections(path: Path) -> dict[str, dict[str, list[str]]]:
    """A unit file as {section: {key: [values]}} (continuation lines joined)."""
    parsed, current = {}, None
    text = re.sub(r"\\\n\s*", " ", path.read_text())
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = parsed.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return parsed


def example_environment() -> dict[str, str]:
    pairs = {}
    for line in (UNITS / "hadir.env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip().removeprefix('"').removesuffix('"')
    return pairs


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_runs_a_command_of_this_tree_with_the_environment_file(name):
    unit = sections(UNITS / name)
    service = unit["Service"]
    assert service["EnvironmentFile"] == [ENV_FILE]
    assert service["WorkingDirectory"] == [INSTALL]
    assert service["User"] == ["hadir"] and service["Group"] == ["hadir"]
    assert unit["Unit"]["PartOf"] == ["hadir.target"] and unit["Install"]["WantedBy"] == ["hadir.target"]
    [command] = service["ExecStart"]
    program, *arguments = shlex.split(command)
    assert program.startswith(f"{INSTALL}/.venv/bin/"), program
    assert (ROOT / program.removeprefix(f"{INSTALL}/")).exists(), f"{program} is not in the virtualenv"
    if "manage.py" in arguments:
        assert (ROOT / "manage.py").exists()
        command_name = arguments[arguments.index("manage.py") + 1]
        assert list(ROOT.glob(f"*/management/commands/{command_name}.py")), command_name
    else:
        assert "config.asgi:application" in arguments
        if "daphne" in program:  # loopback, one port per instance, a backlog for a class joining at once
            assert arguments[arguments.index("-e") + 1] == "tcp:port=%i:interface=127.0.0.1:backlog=4096"
            assert "-b" not in arguments and "-p" not in arguments  # either would add a second listener
        else:
            assert "127.0.0.1" in arguments and "%i" in arguments
        assert "--proxy-headers" in arguments
    if "uvicorn" in program:
        assert arguments[arguments.index("--forwarded-allow-ips") + 1] == "127.0.0.1"


def test_the_environment_file_names_only_documented_settings_and_runs_behind_the_proxy():
    documented = set(re.findall(r"^\| `([A-Z_]+)`", (ROOT / "README.md").read_text(), re.MULTILINE))
    documented |= {name for row in re.findall(r"^\| (`[A-Z_]+`(?:, `[A-Z_]+`)+) \|", (ROOT / "README.md").read_text(),
                                                   re.MULTILINE) for name in re.findall(r"`([A-Z_]+)`", row)}
    environment = example_environment()
    assert set(environment) <= documented, set(environment) - documented
    assert environment["DEBUG"] == "0" and environment["HADIR_BEHIND_PROXY"] == "1"
    assert environment["HADIR_BASE_URL"].startswith("https://")


def test_the_settings_load_from_the_environment_file_read_as_hadir_manage_reads_it():
    """docs/deployment.md's hadir-manage sources the file with sh; systemd reads the same lines."""
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.HADIR_BEHIND_PROXY, s.CSRF_TRUSTED_ORIGINS, s.SESSION_COOKIE_SECURE, s.STATIC_ROOT); "
            "print(s.DEFAULT_FROM_EMAIL)")
    script = (f'set -a; . "{UNITS / "hadir.env.example"}"; set +a; '
              f'DATABASE_URL=sqlite:///unused.sqlite3 REDIS_URL= exec "{sys.executable}" -c "$0"')
    result = subprocess.run(["sh", "-c", script, code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings"})
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()
    assert first.split() == ["True", "['https://hadir.example']", "True", "/var/lib/hadir/static"]
    assert second == "Hadir <hadir@hadir.example>"


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is missing (the structural checks above still ran)")
    for path in UNITS.iterdir():
        if path.suffix in {".service", ".target"}:
            (tmp_path / path.name).write_text(path.read_text().replace(INSTALL, str(ROOT)))
    names = ["hadir.target", "hadir-worker.service", "hadir-web@8001.service", "hadir-uvicorn@8002.service"]
    result = subprocess.run([analyze, "verify", *names], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    problems = [line for line in (result.stdout + result.stderr).splitlines() if "hadir" in line]
    assert result.returncode == 0 and not problems, result.stdout + result.stderr
