"""Forms' shared helper: a service's ValidationError shown on the form that called it."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def form_errors_add(form, error: ValidationError) -> None:
    """Each field's errors beside the field; errors for fields the form does not have, and
    errors without a field, at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
