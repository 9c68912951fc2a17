"""Download of an attachment, after checking the owner's view permission on the server."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest

from thidua.attachments.models import Attachment
from thidua.attachments.registry import view_perm_for


@login_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = Attachment.objects.select_related("owner_type").filter(pk=pk).first()
    if attachment is None:
        raise Http404
    model = attachment.owner_type.model_class()
    perm = view_perm_for(model) if model is not None else None
    owner = attachment.owner
    # Not registered, owner gone, or not allowed: the same 404, so ids reveal nothing.
    if perm is None or owner is None or not request.user.has_perm(perm, owner):
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
