"""Bahasa Indonesia is part of every feature: every string in the code has its translation.

The test gathers the strings as ``makemessages`` does, in a copy of the project, and asks msgfmt
whether any of them is untranslated or fuzzy in the catalogue of its app.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", ".git", "tests", "bench", "var", "node_modules", "docs", "__pycache__"}


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is missing (apt-get install gettext)")
def test_every_string_in_the_code_is_translated_into_indonesian(tmp_path):
    copy = tmp_path / "hadir"
    shutil.copytree(ROOT, copy, ignore=lambda folder, names: [name for name in names if name in SKIP])
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "id", "-v", "0"],
        cwd=copy, check=True, env={"DEBUG": "1", "PATH": "/usr/bin:/bin"},
    )
    gaps = []
    for catalogue in sorted(copy.rglob("locale/id/LC_MESSAGES/django.po")):
        stats = subprocess.run(
            ["msgfmt", "--statistics", "-o", "/dev/null", str(catalogue)], capture_output=True, text=True, check=True
        ).stderr
        if "untranslated" in stats or "fuzzy" in stats:
            gaps.append(f"{catalogue.relative_to(copy)}: {stats.strip()}")
    assert not gaps, "run makemessages and translate:\n" + "\n".join(gaps)
