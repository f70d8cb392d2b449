"""The console in Debian's headless Chromium, driven by Selenium, against the local stack
(`make run` in a subprocess). Nothing downloads a browser: where Chromium or its driver is not
installed (`make browser` installs both), every test skips with one line saying so."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e.targets import ROOT, Stack, devstack

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
# Screenshots of failed tests; CONSOLE_SCREENSHOTS names where the README's pictures are written.
FAILURES = ROOT / ".artifacts" / "browser"
PICTURES = os.environ.get("CONSOLE_SCREENSHOTS")
# Without the network flags Chromium keeps calling Google's services, which this sandbox refuses.
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


def _missing() -> str | None:
    for program in (CHROMIUM, CHROMEDRIVER):
        if not shutil.which(program):
            return f"{program} is not installed: `make browser` installs Debian's chromium and chromium-driver"
    return None


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if reason := _missing():
        pytest.skip(reason)
    with devstack(tmp_path_factory.mktemp("browser"), "--port", "0") as running:
        yield running


def start_browser(workdir: Path, language: str = "en-US", width: int = 1280, height: int = 900) -> WebDriver:
    options = webdriver.ChromeOptions()
    options.binary_location = str(shutil.which(CHROMIUM))
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={workdir}")
    options.add_argument(f"--lang={language}")
    options.add_argument(f"--window-size={width},{height}")
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=shutil.which(CHROMEDRIVER)))
    driver.implicitly_wait(0)
    return driver


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call" and report.failed and (driver := getattr(item, "browser", None)):
        FAILURES.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(FAILURES / f"{item.name}.png"))
    return report


@pytest.fixture
def browser(request: pytest.FixtureRequest, stack: Stack, tmp_path: Path) -> Iterator[WebDriver]:
    driver = start_browser(tmp_path)
    request.node.browser = driver  # for the failure screenshot
    try:
        yield driver
    finally:
        driver.quit()


class Console:
    """The console as a user meets it: a page, its fields by label, its buttons by text."""

    def __init__(self, driver: WebDriver, stack: Stack) -> None:
        self.driver = driver
        self.stack = stack

    def open(self, hash_route: str = "") -> None:
        self.driver.get(f"{self.stack['api_url']}/console/{hash_route}")

    def wait(self, seconds: float = 15) -> WebDriverWait[WebDriver]:
        # The list re-renders while it refreshes: an element read mid-render is read again.
        return WebDriverWait(
            self.driver, seconds, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,)
        )

    def find(self, css: str, seconds: float = 15) -> WebElement:
        shown = expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, css))
        found: WebElement = self.wait(seconds).until(shown)
        return found

    def heading(self, text: str) -> None:
        """Wait until the page's heading says `text`: the section has rendered."""
        self.wait().until(expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, "main h1"), text))

    def fill(self, label: str, value: str) -> None:
        labelled = expected_conditions.visibility_of_element_located((By.XPATH, f"//label[.={label!r}]"))
        found = self.wait().until(labelled)
        control = self.find(f"#{found.get_attribute('for')}")
        control.clear()
        control.send_keys(value)

    def click(self, text: str) -> None:
        """Click the button or link that says `text` (buttons and links only: never a label)."""
        clickable = expected_conditions.element_to_be_clickable((By.XPATH, f"//*[self::button or self::a][.={text!r}]"))
        self.wait().until(clickable).click()

    def sign_in(self, key: str | None = None) -> None:
        self.open()
        self.fill("API key", key or self.stack["api_key"])
        self.click("Sign in")

    def picture(self, name: str) -> None:
        if PICTURES:
            self.driver.save_screenshot(str(ROOT / PICTURES / f"{name}.png"))


@pytest.fixture
def console(browser: WebDriver, stack: Stack) -> Console:
    return Console(browser, stack)
