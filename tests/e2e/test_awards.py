"""Browser journey of an award: a clerk drafts a proposal and reads its eligibility report; the proposal travels the
workflow; the officer drafts and issues the decision; the certificate's QR code, decoded from the printed PDF, opens
the public verification page, which confirms it without signing in.

The middle of the workflow (unit head, block head and its batch, department, council) runs through the services:
their pages have their own view tests, and this journey is about the ends a user sees.
"""

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

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
def people(tree: dict[str, Any]) -> dict[str, Any]:
    from thidua.accounts.roles import Role
    from thidua.tests_support.factories import UserFactory, grant

    clerk: Any = UserFactory(username="vanthu", full_name="Cán bộ thi đua")
    grant(clerk, Role.UNIT_CLERK, unit=tree["centre_a"])
    officer: Any = UserFactory(username="canbo.tinh", full_name="Cán bộ thi đua tỉnh")
    grant(officer, Role.PROVINCIAL_OFFICER, unit=tree["province"])
    return {**tree, "clerk": clerk, "officer": officer}


def _through_the_council(proposal: Any, clerk: Any) -> None:
    """Unit head, block head, the block's batch, the department and the council, by their services."""
    from thidua.awards.models import ProposalBatch
    from thidua.awards.services import proposals as services
    from thidua.tests_support.factories import system_actor

    actor = system_actor()
    today = timezone.localdate()
    proposal = services.proposal_submit(actor=clerk, proposal=proposal)
    proposal = services.proposal_approve(actor=actor, proposal=proposal)  # unit head
    services.proposal_approve(actor=actor, proposal=proposal)  # block head: joins the batch
    batch = ProposalBatch.objects.get(block_year=proposal.block_year, status="open")
    services.proposal_batch_submit(actor=actor, batch=batch, letter_number="12/TTr-KTĐ", submitted_on=today)
    proposal.refresh_from_db()
    proposal = services.proposal_approve(actor=actor, proposal=proposal)  # department
    services.proposal_record_council(
        actor=actor, proposal=proposal, meeting_on=today, members_present=11, votes_for=10, votes_against=1
    )


@pytest.mark.skipif(not shutil.which("zbarimg") or not shutil.which("pdftoppm"), reason="needs zbar-tools, poppler")
def test_clerk_proposes_officer_decides_and_the_certificate_verifies(
    page: Page, live_server: Any, people: dict[str, Any], tmp_path: Path
) -> None:
    from thidua.awards.models import Award, Proposal

    base = live_server.url
    centre = people["centre_a"]

    # 1. The clerk drafts a proposal and sees its eligibility report before and after saving.
    sign_in(page, base, "vanthu")
    page.goto(f"{base}/awards/proposals/new/?unit={centre.pk}")
    page.locator("#id_award_type").select_option("ttldtt")
    page.locator("#id_year").fill("2025")
    preview = page.locator("#eligibility-preview [data-verdict]")
    expect(preview).to_be_visible()
    assert preview.get_attribute("data-verdict") in {"pass", "unknown"}
    expect(page.locator("#eligibility-preview [data-rule]").first).to_be_visible()
    page.locator("#id_achievement_summary").fill("Hoàn thành xuất sắc nhiệm vụ năm 2025.")
    page.locator("[data-testid=proposal-save]").click()
    page.wait_for_url(re.compile(r".*/awards/proposals/\d+/$"))
    expect(page.locator("[data-status=draft]").first).to_be_visible()
    expect(page.locator("[data-verdict]").first).to_be_visible()
    expect(page.locator("[data-action=submit]")).to_be_visible()
    proposal = Proposal.objects.get(unit=centre, award_type__code="ttldtt", year=2025)
    assert proposal.eligibility in {"pass", "unknown"}
    assert proposal.eligibility_report

    _through_the_council(proposal, people["clerk"])
    assert Proposal.objects.get(pk=proposal.pk).status == "accepted"

    # 2. The officer drafts the decision, adds the accepted proposal and issues it.
    sign_in(page, base, "canbo.tinh")
    page.goto(f"{base}/awards/decisions/new/")
    page.locator("#id_owner").select_option(str(people["province"].pk))
    page.locator("#id_title").fill("Về việc tặng danh hiệu Tập thể lao động tiên tiến năm 2025")
    page.locator("#id_issuing_body").fill("Sở Nội vụ tỉnh Quảng Trị")
    page.locator("#id_decider").select_option("department_head")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/awards/decisions/\d+/$"))
    add_form = page.locator("[data-testid=add-form]")
    add_form.locator(f"input[type=checkbox][value='{proposal.pk}']").check()
    add_form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=recipients-table]")).to_contain_text(centre.name)
    issue = page.locator("[data-testid=issue-form]")
    issue.locator("input[name=number]").fill("45/QĐ-SNV")
    issue.locator("input[name=signed_on]").fill(timezone.localdate().isoformat())
    issue.locator("input[name=signer_name]").fill("Nguyễn Văn Minh")
    issue.locator("input[name=signer_title]").fill("Giám đốc Sở Nội vụ")
    page.once("dialog", lambda dialog: dialog.accept())  # "Issue the decision? It cannot be changed afterwards."
    issue.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=decision-status][data-status=issued]")).to_be_visible()
    # Tập thể lao động tiên tiến: 0.8 × 2,340,000 = 1,872,000 → 1,880,000 đ.
    expect(page.locator("[data-testid=total-amount]")).to_have_attribute("data-amount", "1880000")
    award = Award.objects.get(proposal=proposal)
    assert award.amount == 1_880_000
    assert award.decision_date == timezone.localdate()

    # 3. The certificate's QR code, read from the printed PDF, verifies on the public page without signing in.
    href = page.locator("[data-testid=certificate-link]").first.get_attribute("href")
    response = page.request.get(base + str(href))
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(response.body())
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )
    image = next(tmp_path.glob("page*.png"))
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, check=True)
    url = decoded.stdout.strip().splitlines()[0]
    assert "/public/verify/" in url
    page.context.clear_cookies()
    page.goto(url)
    result = page.locator("[data-result]").first
    expect(result).to_have_attribute("data-result", "valid")
    expect(page.locator("main")).to_contain_text("45/QĐ-SNV")
    expect(page.locator("main")).to_contain_text(centre.name)
