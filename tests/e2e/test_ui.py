"""Browser journeys: sign-in, the block-year page in Vietnamese, live unit search, phase advance, language switch."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "secret-pass-123"  # the factories' password


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/$"))


def test_block_head_signs_in_and_opens_the_block_year_in_vietnamese(
    live_server: Any, page: Page, tree: dict[str, Any], block_head: Any
) -> None:
    sign_in(page, live_server.url, "khoitruong")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.get_by_role("link", name=re.compile("Khối thi đua các trung tâm, ban quản lý")).first.click()
    expect(page.get_by_test_id("block-year-title")).to_contain_text("Khối thi đua các trung tâm, ban quản lý — 2025")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_test_id("block-head")).to_contain_text("Trung tâm Lưu trữ lịch sử")
    # Labels come from the Vietnamese catalogue, not only the data.
    expect(page.locator("#members-heading")).to_contain_text("Đơn vị thành viên")
    expect(page.get_by_test_id("phase-stepper")).to_contain_text("Chấm điểm")
    expect(page.locator("#leadership-heading")).to_contain_text("Khối trưởng, khối phó")


def test_unit_search_ignores_tone_marks(live_server: Any, page: Page, tree: dict[str, Any], block_head: Any) -> None:
    sign_in(page, live_server.url, "khoitruong")
    page.goto(live_server.url + "/organizations/units/")
    expect(page.get_by_test_id("unit-table")).to_contain_text("Sở Y tế")
    page.get_by_role("searchbox").press_sequentially("dong ha", delay=30)
    table = page.get_by_test_id("unit-table")
    expect(table).not_to_contain_text("Sở Y tế")
    expect(table).to_contain_text("Đông Hà")
    expect(table).to_contain_text("Trung tâm Lưu trữ lịch sử")
    assert re.search(r"q=dong(\+|%20)ha", page.url)  # hx-push-url keeps the search shareable


def test_block_head_advances_the_phase(live_server: Any, page: Page, tree: dict[str, Any], block_head: Any) -> None:
    sign_in(page, live_server.url, "khoitruong")
    page.goto(f"{live_server.url}/organizations/block-years/{tree['block_year'].pk}/")
    stepper = page.get_by_test_id("phase-stepper")
    expect(stepper.locator("[data-phase=plan]")).to_have_attribute("data-state", "current")
    page.get_by_test_id("advance-button").click()
    confirm = page.get_by_test_id("advance-confirm")
    expect(confirm).to_be_visible()
    confirm.click()
    expect(stepper.locator("[data-phase=plan]")).to_have_attribute("data-state", "done")
    expect(stepper.locator("[data-phase=covenant]")).to_have_attribute("data-state", "current")
    expect(page.get_by_test_id("transitions")).to_contain_text("Khối trưởng")
    tree["block_year"].refresh_from_db()
    assert tree["block_year"].phase == "covenant"


def test_language_switcher_changes_to_english(
    live_server: Any, page: Page, tree: dict[str, Any], block_head: Any
) -> None:
    sign_in(page, live_server.url, "khoitruong")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.locator("#language-menu").click()
    page.locator("button[name=language][value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("current-language")).to_have_text("en")
    page.goto(live_server.url + "/organizations/units/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
