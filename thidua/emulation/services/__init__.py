"""Writes of the emulation app. Each service checks permission, validates, runs in one transaction and
records an audit event; views and the API only call these."""

from thidua.emulation.services.plan import (
    covenant_close,
    covenant_open_for_signing,
    covenant_reopen,
    covenant_save,
    covenant_sign,
    covenant_withdraw_signature,
    plan_save,
)
from thidua.emulation.services.registrations import (
    key_task_create,
    key_task_delete,
    key_task_progress_remove,
    key_task_record_progress,
    key_task_update,
    registration_acknowledge,
    registration_return,
    registration_save,
    registration_submit,
)
from thidua.emulation.services.review import midyear_review_publish, midyear_review_save

__all__ = [
    "covenant_close",
    "covenant_open_for_signing",
    "covenant_reopen",
    "covenant_save",
    "covenant_sign",
    "covenant_withdraw_signature",
    "key_task_create",
    "key_task_delete",
    "key_task_progress_remove",
    "key_task_record_progress",
    "key_task_update",
    "midyear_review_publish",
    "midyear_review_save",
    "plan_save",
    "registration_acknowledge",
    "registration_return",
    "registration_save",
    "registration_submit",
]
