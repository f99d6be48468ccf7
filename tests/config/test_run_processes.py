"""`make run`'s processes stop cleanly when the process runner stops them."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_worker_stops_gracefully_when_its_process_group_is_terminated(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", HADIR_QUEUE_NAME=f"t{os.getpid()}")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=120)
    log = tmp_path / "worker.log"
    with open(log, "wb") as out:
        # honcho starts each process in a session of its own and stops it with killpg(SIGTERM).
        worker = subprocess.Popen([sys.executable, "manage.py", "worker"], cwd=ROOT, env=env,
                                  stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while b"running." not in log.read_bytes():
            assert worker.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=15)
    text = log.read_text()
    assert "has stopped." in text, text
    worker_pids = [int(pid) for pid in re.findall(r"ready for work at (\d+)", text)]
    assert worker_pids
    for pid in worker_pids:
        assert not Path(f"/proc/{pid}").exists(), f"worker process {pid} outlived the cluster"
