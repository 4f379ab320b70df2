"""Browser tests: Debian's chromium driven headless by Selenium through chromedriver,
against the real app served on 127.0.0.1 by werkzeug in a thread, on this run's
database. Every page a test opens is checked for what an officer on a phone would hit:
sideways scrolling, a JS error (a CSP violation is one), a 4xx/5xx on the page's own
requests. A failing page is saved as a screenshot whose path is printed.

Skipped when selenium, chromium or chromedriver is missing: CI installs them with apt
and must not fail when apt cannot.
"""
from __future__ import annotations

import json
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
WIDTHS = (390, 1366)
PHONE_WIDTH = 390
HEIGHT = {390: 844, 1366: 768}
PASSWORD = "password-123"
SHOTS = os.environ.get("KSM_BROWSER_SHOTS")

# Lists the elements that stick out past the viewport, to say what overflows.
# Tap targets a phone user must hit: at least 44 CSS px high (WCAG 2.5.5's size; links
# inside running text are exempt, as WCAG exempts them). A checkbox or radio counts by
# the label around it.
_SMALL_TARGETS_JS = """
const out = [];
const seen = new Set();
const targets = document.querySelectorAll(
  'button, select, textarea, summary, .menu-button, nav a, a.tile, '
  + 'input:not([type=hidden]):not([type=checkbox]):not([type=radio]), '
  + 'label:has(> input[type=checkbox]), label:has(> input[type=radio])');
for (const el of targets) {
  const r = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;
  if (r.height < 43.5) {
    const name = el.tagName.toLowerCase() + (el.name ? '[name=' + el.name + ']' : '')
      + ' "' + (el.innerText || el.value || '').trim().slice(0, 30) + '"';
    if (!seen.has(name)) { seen.add(name); out.push(name + ' ' + Math.round(r.height) + 'px'); }
  }
}
return out;
"""

# axe-core, run on every page at phone width: serious and critical violations fail it.
AXE_JS = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
_AXE_RUN_JS = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations'],
                   runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
  .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.impact + ' ' + v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))))
  .catch(e => done(['axe failed: ' + e]));
"""

_OVERFLOW_JS = """
const width = document.documentElement.clientWidth;
const out = [];
for (const el of document.querySelectorAll('body *')) {
  const r = el.getBoundingClientRect();
  if (r.right > width + 0.5 && r.width > 0) {
    out.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
             + ' right=' + Math.round(r.right));
  }
  if (out.length >= 8) break;
}
return [document.documentElement.scrollWidth, width, window.innerWidth, out];
"""


def _require_browser() -> None:
    pytest.importorskip("selenium")
    if not CHROMIUM or not CHROMEDRIVER:
        pytest.skip("chromium or chromedriver is not installed (apt-get install chromium chromium-driver)")


@pytest.fixture(scope="session")
def chrome() -> Iterator[Any]:
    """One headless chromium for the whole run; each test resets its cookies and size."""
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # type: ignore[assignment]
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--disable-extensions", "--window-size=1366,900"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    except Exception as exc:  # a broken install must not fail the suite
        pytest.skip(f"chromium did not start: {exc}")
    driver.set_page_load_timeout(20)
    yield driver
    driver.quit()


@pytest.fixture
def served(app: Any) -> Iterator[str]:
    """The app on a free port of 127.0.0.1, served while the test runs; its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def browser(request: pytest.FixtureRequest, chrome: Any, served: str,
            tmp_path: Path) -> Iterator["Browser"]:
    """The shared chromium at this test's width, pointed at this test's server."""
    b = Browser(chrome, served, request.param, tmp_path, request.node.name)
    b.reset()
    yield b


class Browser:
    """A page-checking wrapper around the driver; every navigation goes through
    :meth:`check`."""

    def __init__(self, driver: Any, base: str, width: int, shots: Path, name: str) -> None:
        self.driver, self.base, self.width, self.shots, self.name = driver, base, width, shots, name
        self.pages = 0

    @property
    def phone(self) -> bool:
        return self.width <= PHONE_WIDTH

    def reset(self) -> None:
        self.driver.execute_cdp_cmd("Network.enable", {})
        self.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
        # Emulate the device, not just the window: at 390 px a phone (touch, the
        # viewport meta tag honoured), at 1366 px a laptop.
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": self.width, "height": HEIGHT[self.width], "deviceScaleFactor": 1,
            "mobile": self.phone})
        self.driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": self.phone})
        self._drain()

    def _drain(self) -> None:
        self.driver.get_log("browser")
        self.driver.get_log("performance")

    # -- navigation -------------------------------------------------------------------
    def get(self, path: str) -> "Browser":
        self.driver.get(self.base + path)
        return self.check(path)

    def click(self, css: str, within: Any = None, navigates: bool = True) -> "Browser":
        """Tap the element (a submit button, a link): it must lie within the screen's
        width. Waits for the page it leads to, unless it ``navigates`` nowhere, and
        checks that page."""
        element = self.find(css, within)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        self._assert_reachable(element, css)
        # Mark this document: the next page is loaded when a document without the mark
        # is complete (an element's staleness is racy while chromium swaps documents).
        self.driver.execute_script("window.ksmOldPage = true")
        element.click()
        if navigates:
            self.wait_for(self._new_page_loaded, f"the page after clicking {css}")
        return self.check(f"after clicking {css}")

    def open_menu(self) -> "Browser":
        """Unfold the menu where it is folded (phones): tap its Menu button."""
        button = self.find("label.menu-button")
        if button.is_displayed():
            self.click("label.menu-button", navigates=False)
        return self

    def fill(self, css: str, text: str, within: Any = None) -> "Browser":
        element = self.find(css, within)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        if element.tag_name == "select":
            from selenium.webdriver.support.ui import Select

            Select(element).select_by_value(text)
        else:
            element.clear()
            element.send_keys(text)
        return self

    def find(self, css: str, within: Any = None) -> Any:
        from selenium.webdriver.common.by import By

        return (within or self.driver).find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str) -> list[Any]:
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self) -> str:
        return self.find("body").text

    def wait_for(self, predicate: Any, what: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                self.fail([f"waited {timeout:.0f} s for {what}"], what)
            time.sleep(0.1)

    def _new_page_loaded(self) -> bool:
        from selenium.common.exceptions import WebDriverException

        try:
            return bool(self.driver.execute_script(
                "return !window.ksmOldPage && document.readyState === 'complete'"))
        except WebDriverException:  # the document is being replaced: ask again
            return False

    def login(self, username: str) -> "Browser":
        self.get("/login")
        self.fill("input[name=username]", username).fill("input[name=password]", PASSWORD)
        self.click("form button[type=submit]")
        if self.driver.current_url.endswith("/login/code"):  # the second factor (admins)
            from tests.conftest import totp_now

            self.fill("input[name=code]", totp_now()).click("form button[type=submit]")
        menu = self.driver.execute_script(
            "const m = document.getElementById('menu'); return m ? m.textContent : '';")
        if username not in menu:  # the menu names who is logged in (folded on phones)
            self.fail([f"not logged in: {self.text()[:300]!r}"], "login")
        return self

    # -- checks -----------------------------------------------------------------------
    def _assert_reachable(self, element: Any, what: str) -> None:
        """The element lies inside the viewport's width: an officer can tap it without
        scrolling sideways."""
        left, right = self.driver.execute_script(
            "const r = arguments[0].getBoundingClientRect(); return [r.left, r.right]", element)
        if left < 0 or right > self.width + 0.5:
            self.fail([f"{what} is off screen: x from {left:.0f} to {right:.0f} px"], what)

    def check(self, what: str) -> "Browser":
        self.pages += 1
        problems: list[str] = []
        scroll, client, inner, wide = self.driver.execute_script(_OVERFLOW_JS)
        if scroll > min(client, inner, self.width):
            problems.append(f"horizontal overflow: page is {scroll} px wide in a {self.width} px "
                            f"viewport; sticking out: {', '.join(wide) or '?'}")
        if self.phone:
            small = self.driver.execute_script(_SMALL_TARGETS_JS)
            if small:
                problems.append(f"tap targets under 44 px: {', '.join(small[:8])}")
            self.driver.execute_script(AXE_JS)
            problems += [f"accessibility (axe): {v}" for v in
                         self.driver.execute_async_script(_AXE_RUN_JS)]
        for entry in self.driver.get_log("browser"):
            if entry["level"] == "SEVERE":
                problems.append(f"console error: {entry['message']}")
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] != "Network.responseReceived":
                continue
            response = message["params"]["response"]
            if response["url"].startswith(self.base) and response["status"] >= 400:
                problems.append(f"{response['status']} for {response['url']}")
        if problems:
            self.fail(problems, what)
        if SHOTS:  # to look at every page: KSM_BROWSER_SHOTS=/some/dir
            safe = self.name.replace("/", "_").replace("[", "-").replace("]", "")
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            self._full_page_screenshot(Path(SHOTS) / f"{safe}-page{self.pages:02d}.png")
        return self

    def _full_page_screenshot(self, path: Path) -> None:
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": self.width, "height": min(height, 4000), "deviceScaleFactor": 1,
            "mobile": self.phone})
        self.driver.save_screenshot(str(path))
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": self.width, "height": HEIGHT[self.width], "deviceScaleFactor": 1,
            "mobile": self.phone})

    def fail(self, problems: list[str], what: str) -> None:
        safe = self.name.replace("/", "_").replace("[", "-").replace("]", "")
        stem = self.shots / f"{safe}-page{self.pages}"
        self.driver.save_screenshot(f"{stem}.png")
        Path(f"{stem}.html").write_text(self.driver.page_source)
        print(f"screenshot of the failing page: {stem}.png (and {stem}.html)")
        pytest.fail(f"{what} at {self.width} px ({self.driver.current_url}):\n  "
                    + "\n  ".join(problems) + f"\n  screenshot: {stem}.png", pytrace=False)


def make_officer(rt: Any, username: str, role: str, kelurahan: Any = None) -> None:
    from bot.officers.accounts import create_or_update

    with rt.db.session() as session:
        if kelurahan is not None:
            kelurahan = session.merge(kelurahan)
        officer = create_or_update(session, username, PASSWORD, role, kelurahan)
        if role == "admin":  # admins must have a second factor
            from tests.conftest import TEST_TOTP_SECRET

            officer.totp_secret = TEST_TOTP_SECRET
