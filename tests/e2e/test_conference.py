"""Browser journey through the hall: a delegate checks in and votes on a phone while the projector counts live.

Three members are checked in by the secretary and the leading-unit poll is open. The delegate of centre A
opens their card's URL on a phone-sized touch screen (390 × 844): the card checks them in and shows the
ballot; they choose, review, confirm and get their receipt code. Meanwhile the secretary's projector page
(a second browser context) goes from "0 of 3" to "0 of 4" (the check-in) to "1 of 4" without a reload.
The other three vote and the poll is closed through the services, as their phones and the console would
do; the projector shows the result with its bar chart drawn after the htmx swap, the phone marks the poll
closed without wiping the receipt, and the receipt is found in the published bulletin. Everything runs in
Vietnamese, as the users see it.
"""

import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "secret-pass-123"  # the factories' password
PHONE: ViewportSize = {"width": 390, "height": 844}
RECEIPT = re.compile(r"^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$")


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/$"))


@pytest.fixture
def hall(tree: dict[str, Any]) -> dict[str, Any]:
    """The conference in session; everyone but centre A's delegate checked in; the leading-unit poll open."""
    from thidua.conferences.models import PollKind
    from thidua.conferences.services import delegates as delegate_services
    from thidua.conferences.services import polls as poll_services
    from thidua.tests_support.conference import build_conference

    world = build_conference(tree, check_in=False)
    for key in ("centre_b", "centre_c", "board"):
        delegate_services.delegate_check_in(actor=world["secretary"], delegate=world["delegates"][key])
    poll = poll_services.poll_create(
        actor=world["secretary"],
        conference=world["conference"],
        title="Suy tôn đơn vị dẫn đầu khối năm 2025",
        kind=PollKind.SELECTION,
        candidates=[
            poll_services.CandidateInput(unit=world[key]) for key in ("centre_a", "centre_b", "centre_c", "board")
        ],
        min_choices=1,
        max_choices=1,
        seats=1,
    )
    world["poll"] = poll_services.poll_open(actor=world["secretary"], poll=poll)
    world["card_path"] = "/conferences/card/{}/".format(
        delegate_services.delegate_card_token(world["delegates"]["centre_a"])
    )
    return world


def test_a_delegate_votes_on_a_phone_while_the_projector_counts(
    live_server: Any, browser: Browser, hall: dict[str, Any]
) -> None:
    from thidua.conferences.services import polls as poll_services

    base = live_server.url
    poll = hall["poll"]

    # The secretary puts the projector on the hall's screen.
    screen_context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 800})
    screen = screen_context.new_page()
    sign_in(screen, base, "thuky")
    screen.goto(f"{base}/conferences/{hall['conference'].pk}/projector/")
    count = screen.get_by_test_id("projector-count")
    expect(count).to_have_attribute("data-voted", "0")
    expect(count).to_have_attribute("data-of", "3")
    expect(screen.get_by_test_id("projector-live")).to_contain_text(poll.title)

    # The delegate of centre A scans the card on a phone: checked in, straight to the ballot.
    phone_context = browser.new_context(locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True)
    phone = phone_context.new_page()
    phone.goto(base + hall["card_path"])
    expect(phone).to_have_url(re.compile(rf"/conferences/{hall['conference'].pk}/vote/$"))
    expect(phone.locator("html")).to_have_attribute("lang", "vi")
    expect(phone.get_by_test_id("delegate-name")).to_have_text(hall["delegates"]["centre_a"].full_name)
    expect(phone.get_by_test_id("vote-header")).to_have_attribute("data-checked-in", "1")
    expect(count).to_have_attribute("data-of", "4")  # the projector saw the check-in

    # Choose, review (no page load), confirm, receipt.
    card = phone.get_by_test_id("poll-card")
    option = card.get_by_test_id("option").filter(has_text=hall["centre_b"].name)
    box = option.bounding_box()
    assert box is not None
    assert box["height"] >= 48  # a large touch target
    assert box["width"] >= 0.8 * PHONE["width"] - 40  # full width
    option.tap()
    card.get_by_test_id("ballot-next").tap()
    expect(card.get_by_test_id("review-lines")).to_contain_text(hall["centre_b"].name)
    # "Change" goes back with the choice kept; then review again.
    card.get_by_test_id("ballot-change").tap()
    expect(card.locator("input[name=choice]:checked")).to_have_count(1)
    card.get_by_test_id("ballot-next").tap()
    card.get_by_test_id("ballot-confirm").tap()
    code = card.get_by_test_id("receipt-code")
    expect(code).to_have_text(RECEIPT)
    receipt = code.inner_text().strip()
    expect(phone).to_have_url(re.compile(r"/vote/$"))  # never left the page

    # The projector counts the vote live.
    expect(count).to_have_attribute("data-voted", "1")
    expect(count).to_have_attribute("data-of", "4")
    expect(count).to_contain_text("1")
    expect(count).to_contain_text("4")

    # The other delegates vote (through the service, as their phones would) and the secretary closes the poll
    # (the console's button calls this service too).
    for key in ("centre_b", "centre_c", "board"):
        poll_services.poll_cast(
            actor=None,
            poll=poll,
            delegate=hall["delegates"][key],
            content={"choices": [poll.candidates.get(unit=hall["centre_a"]).pk]},
            idempotency_key=str(uuid.uuid4()),
        )
    expect(count).to_have_attribute("data-voted", "4")
    poll_services.poll_close(actor=hall["secretary"], poll=poll)
    result = screen.get_by_test_id("projector-result")
    expect(result).to_be_visible(timeout=10_000)
    expect(result.get_by_test_id("projector-elected").first).to_contain_text(hall["centre_a"].name)
    chart = result.get_by_test_id("projector-chart")
    expect(chart).to_have_attribute("data-drawn", "1")  # charts.js drew it after the htmx swap

    # The phone marks the poll closed without wiping the receipt still on screen.
    expect(card.get_by_test_id("poll-closed")).to_be_visible(timeout=10_000)
    expect(code).to_have_text(receipt)

    # The receipt is in the published bulletin.
    card.get_by_test_id("poll-closed").get_by_role("link").nth(1).tap()
    phone.locator("input[name=receipt]").fill(receipt.lower())
    phone.get_by_test_id("receipt-submit").tap()
    expect(phone.get_by_test_id("receipt-found")).to_be_visible()
    expect(phone.get_by_test_id("receipt-found")).to_contain_text(hall["centre_b"].name)

    phone_context.close()
    screen_context.close()
