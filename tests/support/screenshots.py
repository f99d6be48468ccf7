"""The screenshots in docs/screenshots/ are refreshed only when asked (HADIR_SCREENSHOTS=1), as
tests/e2e/test_media_browser.py does; otherwise they go to the test's temporary folder."""

import os
from pathlib import Path

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def screenshot(page, name: str, tmp_path: Path) -> Path:
    folder = DOCS_SCREENSHOTS if os.environ.get("HADIR_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
