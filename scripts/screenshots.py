"""Screenshots of the public site for review: home, a regulation, a listing and search results at
360 px and 1280 px, in each display mode (normal, high contrast, 适老化), into docs/screenshots/.

    .venv/bin/portal serve --port 8000        # in another terminal (builds content/ first)
    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000

First screen only (what a reader sees on arrival); the 1280 px ones at half resolution to stay small.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

PAGES = {"home": "/", "regulation": "/regulations/fazhan-dangyuan-shishi-xize-2024/",
         "listing": "/regulations/", "search": "/search/?q=党员"}
MODES = {"normal": "standard", "contrast": "standard-contrast", "elder": "standard-elder"}
SCREENS = {360: (740, 1), 1280: (800, 0.5)}  # width → (height, device scale)
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for width, (height, scale) in SCREENS.items():
            for mode, value in MODES.items():
                context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale,
                                              base_url=base)
                context.add_cookies([{"name": "portal_display", "value": value, "url": base}])
                page = context.new_page()
                for name, path in PAGES.items():
                    response = page.goto(path)
                    assert response is not None and response.status == 200, path
                    page.screenshot(path=str(OUT / f"{name}-{width}-{mode}.png"))
                context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
