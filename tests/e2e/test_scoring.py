"""Browser journey through a year's scoring: self-score with evidence, approval, review, finalising, ranking.

A unit clerk fills the self-score form (a number, a yes/no switch, a bonus count), attaches an
evidence file, saves and submits; the unit head approves; the block head starts a review of the unit,
scores it, submits and finalises it, finalises the block-year's scoring and recomputes; the ranking
page then shows the unit in first place. Everything runs in Vietnamese, as the users see it.
"""

import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Dialog, Page, expect

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "secret-pass-123"  # the factories' password


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base_url + "/accounts/login/")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/$"))


@pytest.fixture
def scoring_year(tree: dict[str, Any]) -> dict[str, Any]:
    """The tree's block-year with a locked criteria set of three groups, and the users of the journey."""
    from thidua.accounts.roles import Role
    from thidua.scoring.models import CriteriaGroup, CriteriaItem, CriteriaSet, CriteriaSetStatus, ItemType
    from thidua.tests_support.factories import UserFactory, grant

    by = tree["block_year"]
    criteria = CriteriaSet.objects.create(block_year=by, title="Bảng chấm điểm 2025", status=CriteriaSetStatus.LOCKED)
    g1 = CriteriaGroup.objects.create(criteria_set=criteria, code="I", title="Nhiệm vụ chuyên môn", position=1)
    g2 = CriteriaGroup.objects.create(criteria_set=criteria, code="II", title="Công tác thi đua", position=2)
    g3 = CriteriaGroup.objects.create(criteria_set=criteria, code="III", title="Điểm thưởng", position=3)
    items = {
        "I.1": CriteriaItem.objects.create(
            criteria_set=criteria,
            group=g1,
            code="I.1",
            title="Hoàn thành kế hoạch công tác năm",
            guidance="Căn cứ báo cáo tổng kết năm.",
            position=1,
            item_type=ItemType.POINTS,
            max_points=Decimal(40),
            evidence_required=True,
        ),
        "II.1": CriteriaItem.objects.create(
            criteria_set=criteria,
            group=g2,
            code="II.1",
            title="Gửi đăng ký thi đua đúng hạn",
            position=2,
            item_type=ItemType.YES_NO,
            max_points=Decimal(10),
        ),
        "III.1": CriteriaItem.objects.create(
            criteria_set=criteria,
            group=g3,
            code="III.1",
            title="Được tặng Cờ thi đua",
            position=3,
            item_type=ItemType.BONUS,
            per_occurrence=Decimal(5),
            cap=Decimal(10),
        ),
    }
    clerk: Any = UserFactory(username="vanthu", full_name="Cán bộ thi đua")
    grant(clerk, Role.UNIT_CLERK, unit=tree["centre_c"])
    head: Any = UserFactory(username="giamdoc", full_name="Giám đốc trung tâm")
    grant(head, Role.UNIT_HEAD, unit=tree["centre_c"])
    leader: Any = UserFactory(username="khoitruong", full_name="Khối trưởng")
    grant(leader, Role.BLOCK_HEAD, block_year=by)
    return {**tree, "items": items}


def test_a_year_of_scoring_from_self_score_to_ranking(
    live_server: Any, page: Page, scoring_year: dict[str, Any]
) -> None:
    def accept(dialog: Dialog) -> None:
        dialog.accept()

    page.on("dialog", accept)  # the data-confirm prompts of finalising
    by, unit, items = scoring_year["block_year"], scoring_year["centre_c"], scoring_year["items"]
    base = live_server.url
    self_url = f"{base}/scoring/block-years/{by.pk}/units/{unit.pk}/self/"

    # The clerk opens the self-score form from the sheet list, fills it in, attaches evidence, saves, submits.
    sign_in(page, base, "vanthu")
    page.goto(f"{base}/scoring/block-years/{by.pk}/sheets/")
    page.locator(f"tr[data-unit='{unit.pk}']").get_by_test_id("open-self").click()
    page.get_by_test_id("sheet-start").click()
    expect(page.get_by_test_id("sheet-status")).to_have_attribute("data-status", "draft")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.locator(f"input[name=value_{items['I.1'].pk}]").fill("38.5")
    page.locator(f"input[name=yes_{items['II.1'].pk}]").check()
    page.locator(f"input[name=count_{items['III.1'].pk}]").fill("1")
    expect(page.get_by_test_id("total-total")).to_have_text("53,50")  # htmx preview: 38.5 + 10 + 5
    page.locator(f"input[name=file_{items['I.1'].pk}]").set_input_files(
        {"name": "bao-cao-tong-ket.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% bao cao\n"}
    )
    page.locator(f"input[name=evidence_{items['I.1'].pk}]").fill("Báo cáo số 12/BC-TT ngày 05/12/2025")
    page.get_by_test_id("sheet-save").click()
    expect(page.get_by_test_id("total-total")).to_have_text("53,50")
    expect(page.get_by_test_id("evidence-files")).to_contain_text("bao-cao-tong-ket.pdf")
    page.get_by_test_id("sheet-submit").click()
    expect(page.get_by_test_id("sheet-status")).to_have_attribute("data-status", "submitted")

    # The unit head approves.
    sign_in(page, base, "giamdoc")
    page.goto(self_url)
    page.get_by_test_id("sheet-approve").click()
    expect(page.get_by_test_id("sheet-status")).to_have_attribute("data-status", "approved")

    # The block head reviews the unit (the self-score is shown beside each line), submits and finalises.
    sign_in(page, base, "khoitruong")
    page.goto(f"{base}/scoring/block-years/{by.pk}/sheets/")
    page.locator(f"tr[data-unit='{unit.pk}']").get_by_test_id("open-review").click()
    page.get_by_test_id("sheet-start").click()
    expect(page.get_by_test_id("self-points").first).to_have_text("38,50")
    page.locator(f"input[name=value_{items['I.1'].pk}]").fill("36")
    # The reviewer may note what was checked against the unit's evidence (not required on a review).
    page.locator(f"input[name=evidence_{items['I.1'].pk}]").fill("Đã đối chiếu báo cáo số 12/BC-TT")
    page.locator(f"input[name=yes_{items['II.1'].pk}]").check()
    page.locator(f"input[name=count_{items['III.1'].pk}]").fill("1")
    expect(page.get_by_test_id("total-total")).to_have_text("51,00")  # htmx preview: 36 + 10 + 5
    page.get_by_test_id("sheet-submit").click()
    expect(page.get_by_test_id("sheet-status")).to_have_attribute("data-status", "submitted")
    expect(page.get_by_test_id("total-total")).to_have_text("51,00")
    page.get_by_test_id("sheet-finalise").click()
    expect(page.get_by_test_id("sheet-status")).to_have_attribute("data-status", "finalised")

    # The block head finalises the year's scoring (the approved self-score too) and recomputes the ranking.
    page.goto(f"{base}/scoring/block-years/{by.pk}/ranking/")
    page.get_by_test_id("finalise-all").click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.get_by_test_id("recompute").click()
    expect(page.get_by_test_id(f"rank-{unit.pk}")).to_have_text(re.compile(r"^\s*1\b"))
    row = page.locator(f"tr[data-unit='{unit.pk}']")
    expect(row).to_contain_text("51,00")
    expect(row).to_contain_text("53,50")
    page.goto(self_url)
    expect(page.get_by_test_id("sheet-status")).to_have_attribute("data-status", "finalised")
