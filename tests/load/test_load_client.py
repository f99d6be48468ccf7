"""The load client, the two baselines and bench_room work (functional, no timing): a room of 5,
3 chat lines each received once by everyone, and a join storm whose lists all converge."""

import asyncio
import io
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command

from bench import loadclient, run
from rooms.management.commands.bench_room import bench_room
from rooms.policies import policy_for
from scheduling.models import Attendee, Occurrence
from tests.support import daphne as daphne_support

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


def wait_for_port(process: subprocess.Popen, port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"server exited with {process.returncode}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port} after {timeout} s")


@pytest.fixture
def baseline(tmp_path):
    started = []

    def start(kind: str) -> tuple[int, int]:
        port = daphne_support.free_port()
        if kind == "raw":
            command = [sys.executable, "-m", "bench.baselines.raw_ws", "--port", str(port)]
        else:
            command = [sys.executable, "-m", "daphne", "-p", str(port), "bench.baselines.bare_channels:application"]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1",
               "DATABASE_URL": daphne_support.test_database_url()}
        with open(tmp_path / f"{kind}.log", "wb") as log:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        started.append(process)
        wait_for_port(process, port)
        return port, process.pid

    yield start
    for process in started:
        process.terminate()
        process.wait(10)


def baseline_spec(port: int, pid: int, size: int) -> dict:
    people = [{"id": uuid.uuid4().hex, "name": f"Participant {i}"} for i in range(size)]
    return {"kind": "baseline", "targets": [{"http": f"http://127.0.0.1:{port}", "ws": f"ws://127.0.0.1:{port}"}],
            "server_pids": [pid], "rooms": [{"id": uuid.uuid4().hex, "people": people}]}


def hadir_spec(server, size: int) -> dict:
    room = bench_room(participants=size)
    return {"kind": "hadir", "targets": [{"http": server.base_url, "ws": server.ws_url}],
            "server_pids": [server.process.pid],
            "rooms": [{"id": room["occurrence_id"], "people": room["participants"]}]}


def check_chat(spec: dict) -> None:
    result = asyncio.run(loadclient.main("fanout", spec, {"rate": 3, "duration": 1, "settle": 0.3}))
    assert result["failures"] == 0, result["failure_sample"]
    assert (result["sent"], result["count"], result["lost"], result["duplicates"]) == (3, 15, 0, 0), result
    assert result["errors"] == {}


def check_storm(spec: dict) -> None:
    result = asyncio.run(loadclient.main("storm", spec, {"timeout": 30}))
    assert result["converged"], result
    assert (result["failures"], result["lost_updates"], result["duplicated_updates"]) == (0, 0, 0), result


@pytest.mark.parametrize("kind", ["raw", "bare"])
def test_baselines_deliver_each_line_once_and_converge(baseline, kind):
    port, pid = baseline(kind)
    check_chat(baseline_spec(port, pid, 5))
    check_storm(baseline_spec(port, pid, 5))


def test_hadir_through_join_links(daphne_server):
    check_chat(hadir_spec(daphne_server, 5))
    check_storm(hadir_spec(daphne_server, 5))


class UvicornServer(daphne_support.DaphneServer):
    def command(self) -> list[str]:
        return [sys.executable, "-m", "uvicorn", "config.asgi:application", *run.UVICORN_OPTIONS,
                "--port", str(self.port)]


def test_hadir_on_uvicorn_with_the_documented_options(transactional_db, tmp_path):
    server = UvicornServer(log_dir=tmp_path)
    server.start()
    try:
        check_chat(hadir_spec(server, 5))
        check_storm(hadir_spec(server, 5))
    finally:
        server.stop()
    assert "Traceback" not in server.log_path.read_text()


def test_bench_room_prints_working_links(db):
    out = io.StringIO()
    call_command("bench_room", "--participants", "2", "--json", stdout=out)
    room = json.loads(out.getvalue())
    occurrence = Occurrence.objects.select_related("event").get(pk=room["occurrence_id"])
    assert occurrence.event.organizer.pk is not None
    paths = [room["moderator"]["join_url"], *(p["join_url"] for p in room["participants"])]
    assert {a.join_path for a in Attendee.objects.filter(event=occurrence.event)} == set(paths)
    assert len(room["participants"]) == 2 and room["audience"] == []


def test_bench_room_gives_listen_only_members_under_audience(db):
    out = io.StringIO()
    call_command("bench_room", "--participants", "1", "--audience", "3", "--json", stdout=out)
    room = json.loads(out.getvalue())
    occurrence = Occurrence.objects.select_related("event").get(pk=room["occurrence_id"])
    listeners = Attendee.objects.filter(event=occurrence.event, role="audience")
    assert {a.join_path for a in listeners} == {p["join_url"] for p in room["audience"]} and len(room["audience"]) == 3
    assert policy_for(occurrence.event).is_audience(listeners[0])


def test_table_gives_ratios_to_both_baselines():
    figures = {"p99_ms": 20.0, "lost": 0, "client_bound": False}
    results = {"live": {"fanout": {
        "hadir": {"200": figures},
        "bare": {"200": {**figures, "p99_ms": 2000.0, "client_bound": True}},
        "raw": {"200": {**figures, "p99_ms": 10.0}},
    }}}
    text = run.table_text(results)
    line = next(line for line in text.splitlines() if "room 200: p99" in line)
    assert "2000*" in line and "0.01×" in line and "2.00×" in line and "yes" in line
