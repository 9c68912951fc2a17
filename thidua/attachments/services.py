"""Storing and removing attachments. Called by the owning app's services, inside their transaction.

The owning service has already checked that the actor may change the owner; these functions check
the file itself (size, type), store it under its content hash and audit the write. If the owning
transaction rolls back, the row goes with it (the stored bytes are then an orphan that
`attachment_purge_orphans` may remove; they are never reachable without a row).
"""

import hashlib
import mimetypes
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils.translation import gettext as _

from thidua.attachments.models import Attachment
from thidua.audit.services import audit_record
from thidua.core.exceptions import ValidationFailed

ALLOWED_EXTENSIONS = frozenset(
    {".pdf", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".ppt", ".pptx", ".jpg", ".jpeg", ".png", ".txt", ".zip"}
)


def max_upload_bytes() -> int:
    return int(getattr(settings, "THIDUA_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


def _check(upload: UploadedFile, field: str) -> str:
    name = PurePath(upload.name or "").name.strip()
    if not name:
        raise ValidationFailed(_("The file has no name."), code="file_invalid", field=field)
    suffix = PurePath(name).suffix.lower()
    if suffix not in ALLOWED_EXTENSIONS:
        raise ValidationFailed(
            _("Files of type “%(type)s” are not accepted. Accepted: %(allowed)s.")
            % {"type": suffix or "?", "allowed": ", ".join(sorted(ALLOWED_EXTENSIONS))},
            code="file_type_not_allowed",
            field=field,
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationFailed(_("The file is empty."), code="file_empty", field=field)
    if size > max_upload_bytes():
        raise ValidationFailed(
            _("The file is larger than %(max)d MB.") % {"max": max_upload_bytes() // (1024 * 1024)},
            code="file_too_large",
            field=field,
        )
    return name[:255]


@transaction.atomic
def attachment_add(
    *, actor: Any, owner: models.Model, upload: UploadedFile, field: str = "file", slot: str = ""
) -> Attachment:
    """Attach `upload` to `owner`. The caller has checked that `actor` may change `owner`.

    `slot` says which of the owner's papers the file is, when the owner has several kinds (a dossier's Form 01,
    Form 02, minutes …); `field` only names the form field in error messages.
    """
    name = _check(upload, field)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        owner_type=ContentType.objects.get_for_model(owner),
        owner_id=owner.pk,
        original_name=name,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        slot=slot,
    )
    if attachment.file.storage.exists(upload_name := f"attachments/{attachment.sha256[:2]}/{attachment.sha256}"):
        attachment.file.name = upload_name
    else:
        attachment.file.save(name, upload, save=False)
    attachment.save()
    audit_record(
        actor=actor,
        action="attachment.add",
        obj=attachment,
        changes={
            "owner": f"{owner._meta.label_lower}:{owner.pk}",
            "name": name,
            "sha256": attachment.sha256,
            **({"slot": slot} if slot else {}),
        },
    )
    return attachment


@transaction.atomic
def attachment_remove(*, actor: Any, attachment: Attachment) -> None:
    """Detach a file. The caller has checked that `actor` may change the owner. The bytes stay if shared."""
    audit_record(
        actor=actor,
        action="attachment.remove",
        obj=attachment,
        changes={"owner": f"{attachment.owner_type.model}:{attachment.owner_id}", "name": attachment.original_name},
    )
    attachment.delete()


def attachments_of(owner: models.Model) -> models.QuerySet[Attachment]:
    return Attachment.objects.filter(owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk)
