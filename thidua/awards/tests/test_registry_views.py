"""Registry pages: search (full and htmx), profiles, detail, manual entry, revocation, import with its error list,
template download and the CSV / XLSX export (files opened and checked); 200 / 403 / 404 per role."""

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from thidua.accounts.roles import Role
from thidua.audit.models import AuditEvent
from thidua.awards import registry_io
from thidua.awards.models import Award, AwardType, ImportBatch
from thidua.awards.services.registry import award_record
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db


def url(name: str, *args: Any) -> str:
    return reverse(f"awards:{name}", args=args)


@pytest.fixture
def awards(tree: dict[str, Any]) -> dict[str, Award]:
    actor = system_actor()
    return {
        "flag": award_record(
            actor=actor,
            award_type="co_tinh",
            unit=tree["centre_a"],
            year=2023,
            decision_number="125/QĐ-UBND",
            decision_date=dt.date(2024, 1, 20),
            issuing_body="Ủy ban nhân dân tỉnh Quảng Trị",
            amount=10_530_000,
        ),
        "fighter": award_record(
            actor=actor,
            award_type="cstd_co_so",
            person=tree["person_a"],
            year=2022,
            decision_number="16/QĐ-SNV",
            decision_date=dt.date(2023, 1, 15),
        ),
        "other": award_record(
            actor=actor,
            award_type="ttldtt",
            unit=tree["centre_c"],
            year=2023,
            decision_number="3/QĐ-SYT",
            decision_date=dt.date(2024, 1, 15),
        ),
    }


@pytest.fixture
def viewer(make_user: Any) -> Any:
    return make_user(Role.VIEWER)


@pytest.fixture
def officer(tree: dict[str, Any], make_user: Any) -> Any:
    return make_user(Role.DEPARTMENT_OFFICER, unit=tree["dept"])


def test_pages_need_sign_in(client: Client, awards: dict[str, Award]) -> None:
    response = client.get(url("search"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_search_page_and_htmx_rows(client: Client, awards: dict[str, Award], viewer: Any) -> None:
    client.force_login(viewer)
    response = client.get(url("search"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trung tâm Lưu trữ lịch sử" in html
    assert "Nguyễn Văn Đức" in html
    assert "Import history" not in html  # a viewer cannot import
    response = client.get(url("search"), {"q": "quang tri"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Trung tâm Lưu trữ lịch sử" in html
    assert "Trung tâm Kiểm soát bệnh tật" not in html
    assert "HX-Request" in response["Vary"]
    response = client.get(url("search"), {"q": "duc", "year": "2022"})
    assert [a.pk for a in response.context["page_obj"]] == [awards["fighter"].pk]
    response = client.get(url("search"), {"year": "not a year", "award_type": "ttldtt"})
    assert response.status_code == 200
    assert [a.pk for a in response.context["page_obj"]] == [awards["other"].pk]


def test_export_xlsx_of_a_search(client: Client, awards: dict[str, Award], viewer: Any) -> None:
    client.force_login(viewer)
    response = client.get(url("export", "xlsx"), {"q": "quang tri"})
    assert response.status_code == 200
    assert response["Content-Type"] == registry_io.XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Năm thành tích", "Mã danh hiệu", "Danh hiệu / hình thức", "Tập thể / cá nhân", "Đối tượng")
    assert len(rows) == 2
    assert rows[1][0] == 2023
    assert rows[1][1] == "co_tinh"
    assert rows[1][4] == "Trung tâm Lưu trữ lịch sử"
    assert rows[1][6] == "125/QĐ-UBND"
    assert rows[1][7].date() == dt.date(2024, 1, 20)
    assert rows[1][10] == 10_530_000


def test_export_csv_of_everything(client: Client, awards: dict[str, Award], viewer: Any) -> None:
    client.force_login(viewer)
    response = client.get(url("export", "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 4
    assert {row[4] for row in rows[1:]} == {
        "Trung tâm Lưu trữ lịch sử",
        "Nguyễn Văn Đức",
        "Trung tâm Kiểm soát bệnh tật",
    }
    fighter = next(row for row in rows if row[4] == "Nguyễn Văn Đức")
    assert fighter[3] == "Cá nhân"
    assert fighter[5] == "Trung tâm Lưu trữ lịch sử"
    assert fighter[7] == "15/01/2023"
    assert client.get(url("export", "pdf")).status_code == 404


def test_profiles_and_detail(client: Client, tree: dict[str, Any], awards: dict[str, Award], viewer: Any) -> None:
    client.force_login(viewer)
    response = client.get(url("unit_profile", tree["centre_a"].pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Emulation Flag" in html or "Cờ thi đua" in html
    assert "Nguyễn Văn Đức" in html  # its staff's awards
    assert [entry.year for entry in response.context["timeline"]] == [2023]
    response = client.get(url("person_profile", tree["person_a"].pk))
    assert response.status_code == 200
    assert "16/QĐ-SNV" in response.content.decode()
    assert response.context["can_view_person"] is False
    assert response.context["can_record"] is False
    response = client.get(url("detail", awards["flag"].pk))
    assert response.status_code == 200
    assert "10.530.000" in response.content.decode()
    assert client.get(url("unit_profile", 99999)).status_code == 404
    assert client.get(url("person_profile", 99999)).status_code == 404
    assert client.get(url("detail", 99999)).status_code == 404


def test_unit_page_links_to_its_awards(client: Client, tree: dict[str, Any], viewer: Any) -> None:
    client.force_login(viewer)
    response = client.get(reverse("organizations:unit_detail", args=[tree["centre_a"].pk]))
    assert url("unit_profile", tree["centre_a"].pk) in response.content.decode()
    assert url("search") in response.content.decode()  # the navigation entry


def test_record_page(client: Client, tree: dict[str, Any], officer: Any, viewer: Any) -> None:
    client.force_login(viewer)
    assert client.get(url("record"), {"unit": tree["centre_a"].pk}).status_code == 403
    client.force_login(officer)
    assert client.get(url("record"), {"unit": tree["centre_c"].pk}).status_code == 403
    assert client.get(url("record")).status_code == 404
    assert client.get(url("record"), {"unit": tree["centre_a"].pk}).status_code == 200
    data = {
        "award_type": AwardType.objects.get(code="ttldtt").pk,
        "year": 2023,
        "decision_number": "15/QĐ-SNV",
        "decision_date": "2024-01-15",
        "amount": "1880000",
        "counts_as_history": "",
    }
    response = client.post(f"{url('record')}?unit={tree['centre_a'].pk}", data)
    assert response.status_code == 302
    award = Award.objects.get()
    assert award.unit == tree["centre_a"]
    assert award.amount == 1_880_000
    events = AuditEvent.objects.count()
    response = client.post(f"{url('record')}?unit={tree['centre_a'].pk}", data)
    assert response.status_code == 400
    codes = [e.code for errors in response.context["form"].errors.as_data().values() for e in errors]
    assert codes == ["duplicate_award"]  # one achievement earns one award (the message is translated)
    assert Award.objects.count() == 1
    assert AuditEvent.objects.count() == events
    response = client.post(f"{url('record')}?person={tree['person_a'].pk}", {**data, "award_type": data["award_type"]})
    assert response.status_code == 400  # a collective title is not offered for a person


def test_revoke_page(client: Client, awards: dict[str, Award], officer: Any, viewer: Any) -> None:
    award = awards["fighter"]
    client.force_login(viewer)
    assert client.get(url("revoke", award.pk)).status_code == 403
    client.force_login(officer)
    assert client.get(url("revoke", awards["other"].pk)).status_code == 403  # another department's unit
    response = client.post(url("revoke", award.pk), {"revoked_on": "2023-01-01", "reason": "x"})
    assert response.status_code == 400
    award.refresh_from_db()
    assert award.revoked_on is None
    response = client.post(url("revoke", award.pk), {"revoked_on": "2024-03-01", "reason": "Kê khai sai"})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.revoked_on == dt.date(2024, 3, 1)
    response = client.get(url("detail", award.pk))
    assert 'data-testid="revoked"' in response.content.decode()
    assert response.context["can_revoke"] is False


def test_import_page_lists_bad_rows_and_writes_nothing(client: Client, tree: dict[str, Any], officer: Any) -> None:
    client.force_login(officer)
    assert client.get(url("import")).status_code == 200
    bad = (
        "Danh hiệu / hình thức,Tập thể / cá nhân,Đơn vị,Năm thành tích\nttldtt,Tập thể,TTA,2022\nxyz,Tập thể,TTA,2022\n"
    )
    events = AuditEvent.objects.count()
    response = client.post(url("import"), {"file": SimpleUploadedFile("h.csv", bad.encode())})
    assert response.status_code == 400
    assert 'data-testid="import-errors"' in response.content.decode()
    assert response.context["row_errors"][0]["row"] == 3
    assert Award.objects.count() == 0
    assert ImportBatch.objects.count() == 0
    assert AuditEvent.objects.count() == events
    response = client.post(url("import"), {"file": SimpleUploadedFile("h.pdf", b"%PDF")})
    assert response.status_code == 400
    assert Award.objects.count() == 0
    good = bad.split("xyz")[0]
    response = client.post(url("import"), {"file": SimpleUploadedFile("h.csv", good.encode())})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert response["Location"].endswith(f"?batch={batch.pk}")
    response = client.get(response["Location"])
    assert [a.batch_id for a in response.context["page_obj"]] == [batch.pk]


def test_import_page_refused_to_non_officers(client: Client, tree: dict[str, Any], make_user: Any) -> None:
    client.force_login(make_user(Role.UNIT_CLERK, unit=tree["centre_a"]))
    assert client.get(url("import")).status_code == 403


def test_template_downloads(client: Client, viewer: Any) -> None:
    client.force_login(viewer)
    response = client.get(url("import_template", "xlsx"))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Khen thưởng", "Hướng dẫn"]
    header = next(workbook["Khen thưởng"].iter_rows(values_only=True))
    assert header[0] == "Danh hiệu / hình thức"
    assert "Năm thành tích" in header
    response = client.get(url("import_template", "csv"))
    assert response.content.decode("utf-8-sig").startswith("Danh hiệu / hình thức,")
    assert client.get(url("import_template", "doc")).status_code == 404
