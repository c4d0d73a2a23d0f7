"""A headless Chromium (Debian's chromium and chromium-driver) driven with selenium, and
helpers that find controls as a person does: by their visible label text."""

from __future__ import annotations

import contextlib
import json
import pathlib
import shutil
import time
from collections.abc import Iterator

import pytest

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import TimeoutException, WebDriverException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ADMIN_PASSWORD = "Console-Pa55word!"


@pytest.fixture(scope="session")
def browser(tmp_path_factory) -> Iterator[webdriver.Chrome]:
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.skip("chromium and chromium-driver are not installed (scripts/test.sh does)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1400,1000", "--no-proxy-server"):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium')}")
    driver = webdriver.Chrome(options=options,
                              service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    driver.implicitly_wait(2)
    yield driver
    driver.quit()


def _detached(element) -> bool:
    """Whether the page ``element`` belonged to has been replaced. Chromium reports a node
    of a page being replaced either as stale or as no longer in the document."""
    try:
        element.is_enabled()
    except WebDriverException:  # StaleElementReferenceException included
        return True
    return False


class Page:
    """The browser, with the console's controls found by their labels."""

    def __init__(self, driver, endpoint: str, shots: pathlib.Path) -> None:
        self.driver = driver
        self.endpoint = endpoint
        self.shots = shots

    def open(self, path: str = "") -> None:
        self.driver.get(f"{self.endpoint}/_rolecall/console/{path}")

    def field(self, label: str, within=None):
        """The control whose <label> text starts with ``label``."""
        root = within or self.driver
        for element in root.find_elements(By.XPATH, f"//label[starts-with(normalize-space(.), "
                                          f"{json.dumps(label)})]"):
            target = element.get_attribute("for")
            if target:
                return self.driver.find_element(By.ID, target)
            inner = element.find_elements(By.XPATH, ".//input|.//textarea|.//select")
            if inner:
                return inner[0]
        raise AssertionError(f"no control labelled {label!r}")

    def fill(self, label: str, value: str) -> None:
        control = self.field(label)
        control.clear()
        control.send_keys(value)

    def button(self, text: str):
        return self.driver.find_element(
            By.XPATH, f"//button[normalize-space(.)={json.dumps(text)}]")

    def press(self, text: str) -> None:
        """Click a button and wait for the page it leads to (a form post reloads it)."""
        before = self.driver.find_element(By.TAG_NAME, "html")
        self.button(text).click()
        alert = self._alert()
        if alert is not None:
            alert.accept()
        with contextlib.suppress(TimeoutException):
            WebDriverWait(self.driver, 10).until(lambda _: _detached(before))

    def _alert(self):
        try:
            return self.driver.switch_to.alert
        except Exception:
            return None

    def link(self, text: str) -> None:
        self.driver.find_element(By.LINK_TEXT, text).click()

    @property
    def text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    def shot(self, name: str) -> None:
        self.driver.save_screenshot(str(self.shots / f"{name}.png"))

    def sign_in(self, account: str, user: str, password: str) -> None:
        self.open("signin")
        self.fill("Account ID", account)
        self.fill("User name", user)
        self.fill("Password", password)
        self.press("Sign in")

    def sign_out(self) -> None:
        self.press("Sign out")


@pytest.fixture
def page(browser, server, tmp_path) -> Page:
    browser.delete_all_cookies()
    shots = tmp_path / "screenshots"
    shots.mkdir()
    return Page(browser, server.endpoint, shots)


def audit_records(server, account_id: str) -> list[dict]:
    """The account's CloudTrail records as the server stored them, oldest first."""
    from rolecall.audit.show import recent
    from rolecall.store.db import Database

    time.sleep(0.3)  # the server writes audit records every 50 ms
    db = Database(server.db_url)
    try:
        return recent(db, 500, account_id)
    finally:
        db.dispose()


@pytest.fixture
def admin(account, iam):
    """A user with AdministratorAccess and a console password."""
    iam.create_user(UserName="admin")
    iam.attach_user_policy(UserName="admin",
                           PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    iam.create_login_profile(UserName="admin", Password=ADMIN_PASSWORD)
    return account
