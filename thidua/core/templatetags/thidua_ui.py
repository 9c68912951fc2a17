"""Template helpers that render Django form fields with Bootstrap 5 markup.

Forms in Thidua only collect input; this keeps the look (classes, error states, ARIA links
between a field and its help and error text) in one place for our forms and allauth's alike,
without inline styles that the Content Security Policy would block.
"""

from typing import Any

from django import forms, template
from django.utils.safestring import SafeString

register = template.Library()

_CHECK_WIDGETS = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)


def _widget_class(widget: forms.Widget) -> str:
    if isinstance(widget, _CHECK_WIDGETS):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    return "form-control"


@register.filter
def is_checkbox(bound_field: forms.BoundField) -> bool:
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


@register.filter
def bs_widget(bound_field: forms.BoundField) -> SafeString:
    """Render the field's widget with Bootstrap classes, error state and aria-describedby."""
    widget = bound_field.field.widget
    attrs: dict[str, Any] = {}
    classes = [widget.attrs.get("class", ""), _widget_class(widget)]
    described_by = []
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}_help")
    if bound_field.errors:
        classes.append("is-invalid")
        attrs["aria-invalid"] = "true"
        described_by.append(f"{bound_field.auto_id}_error")
    attrs["class"] = " ".join(c for c in classes if c)
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return bound_field.as_widget(attrs=attrs)


@register.inclusion_tag("includes/field.html")
def form_field(bound_field: forms.BoundField, label_hidden: bool = False) -> dict[str, Any]:
    return {"field": bound_field, "label_hidden": label_hidden}


@register.inclusion_tag("includes/form_fields.html")
def form_fields(form: forms.BaseForm) -> dict[str, Any]:
    return {"form": form}


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if mapping else None
