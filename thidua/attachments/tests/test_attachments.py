"""Attachments: checks on the file, storage under the content hash, audit, and the permission-checked download."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from thidua.attachments import registry
from thidua.attachments.models import Attachment
from thidua.attachments.services import attachment_add, attachment_remove, attachments_of
from thidua.audit.models import AuditEvent
from thidua.core.exceptions import ValidationFailed
from thidua.organizations.models import Person, Unit
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit_owner_registered() -> Iterator[None]:
    """Register Unit as an owner for these tests only (real owners register in their AppConfig)."""
    registry.register_owner(Unit, "organizations.change_unit")
    yield
    registry._VIEW_PERMS.pop(Unit._meta.label_lower, None)


def _upload(name: str = "bien-ban.pdf", content: bytes = b"%PDF-1.4 test") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_add_stores_the_file_under_its_hash_and_audits(tree: dict[str, Any]) -> None:
    unit = tree["centre_a"]
    attachment = attachment_add(actor=system_actor(), owner=unit, upload=_upload("Biên bản họp.pdf"))
    assert attachment.original_name == "Biên bản họp.pdf"
    assert attachment.size == len(b"%PDF-1.4 test")
    assert attachment.file.name == f"attachments/{attachment.sha256[:2]}/{attachment.sha256}"
    with attachment.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4 test"
    assert list(attachments_of(unit)) == [attachment]
    assert AuditEvent.objects.filter(action="attachment.add", object_id=str(attachment.pk)).exists()


def test_same_content_twice_shares_the_stored_bytes(tree: dict[str, Any]) -> None:
    first = attachment_add(actor=system_actor(), owner=tree["centre_a"], upload=_upload("a.pdf"))
    second = attachment_add(actor=system_actor(), owner=tree["centre_b"], upload=_upload("b.pdf"))
    assert first.file.name == second.file.name
    attachment_remove(actor=system_actor(), attachment=first)
    assert not Attachment.objects.filter(pk=first.pk).exists()
    assert second.file.name
    assert second.file.storage.exists(second.file.name)
    assert AuditEvent.objects.filter(action="attachment.remove").count() == 1


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("script.exe", b"MZ"), "file_type_not_allowed"),
        (SimpleUploadedFile("noext", b"data"), "file_type_not_allowed"),
        (SimpleUploadedFile("empty.pdf", b""), "file_empty"),
        (SimpleUploadedFile("big.pdf", b"x" * 2048), "file_too_large"),
    ],
)
@override_settings(THIDUA_MAX_UPLOAD_BYTES=1024)
def test_bad_files_are_refused_and_nothing_is_written(
    tree: dict[str, Any], upload: SimpleUploadedFile, code: str
) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        attachment_add(actor=system_actor(), owner=tree["centre_a"], upload=upload)
    assert exc.value.code == code
    assert exc.value.field == "file"
    assert Attachment.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_a_rolled_back_owner_transaction_leaves_no_row(tree: dict[str, Any]) -> None:
    def owning_service() -> None:
        with transaction.atomic():
            attachment_add(actor=system_actor(), owner=tree["centre_a"], upload=_upload())
            raise RuntimeError("the owning service failed later")

    with pytest.raises(RuntimeError):
        owning_service()
    assert Attachment.objects.count() == 0


def test_download_checks_the_owner_permission(
    tree: dict[str, Any], make_user: Any, unit_owner_registered: None
) -> None:
    from thidua.accounts.roles import Role

    attachment = attachment_add(actor=system_actor(), owner=tree["centre_a"], upload=_upload("Biên bản.pdf"))
    url = reverse("attachments:download", args=[attachment.pk])

    head = make_user(Role.UNIT_HEAD, unit=tree["centre_a"])
    other = make_user(Role.UNIT_HEAD, unit=tree["centre_b"])
    client = Client()
    assert client.get(url).status_code == 302  # anonymous → sign-in page

    client.force_login(other)
    assert client.get(url).status_code == 404

    client.force_login(head)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"  # type: ignore[attr-defined]
    assert "attachment;" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(reverse("attachments:download", args=[attachment.pk + 999])).status_code == 404


def test_download_of_an_unregistered_owner_kind_is_never_served(tree: dict[str, Any], admin_user: Any) -> None:
    attachment = attachment_add(actor=system_actor(), owner=tree["person_a"], upload=_upload())
    assert registry.view_perm_for(Person) is None
    client = Client()
    client.force_login(admin_user)
    assert client.get(reverse("attachments:download", args=[attachment.pk])).status_code == 404
