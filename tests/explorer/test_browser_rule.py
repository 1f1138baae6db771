"""The real-browser tests skip without Chromium, but fail in CI (CI=true): CI can never pass by skipping."""

import pytest

from tests import browser_support


def test_without_chromium_the_browser_tests_skip_with_an_install_hint(monkeypatch):
    monkeypatch.setattr(browser_support, "find_chromium", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        browser_support.require_browser()


def test_in_ci_a_missing_chromium_fails_the_browser_tests(monkeypatch):
    monkeypatch.setattr(browser_support, "find_chromium", lambda: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="cannot run in CI: Chromium not found"):
        browser_support.require_browser()


def test_with_chromium_and_playwright_the_path_is_returned(monkeypatch):
    pytest.importorskip("playwright.sync_api")
    monkeypatch.setattr(browser_support, "find_chromium", lambda: "/usr/bin/chromium")
    monkeypatch.setenv("CI", "true")
    assert browser_support.require_browser() == "/usr/bin/chromium"
