"""What the browser tests share: whether a real browser can run here, and the map's handles."""

from __future__ import annotations

from types import ModuleType

import pytest
from conftest import ROOT

from dashboard import assets
from dashboard.devserver import CHROMIUM

ARTIFACTS = ROOT / "artifacts"  # screenshots a failing browser test leaves
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
POINTS_STATE = "() => window.cmPoints ? window.cmPoints.state : null"
POINT_PIXELS = "() => window.cmPoints.drawnPixels()"


def require_browser() -> ModuleType:
    """Playwright's sync API; the calling test module is skipped, saying what is missing, when
    Debian's chromium, Playwright or the offline map assets are not installed."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not assets.installed():
        pytest.skip("map assets are not installed (make assets)", allow_module_level=True)
    return sync_api
