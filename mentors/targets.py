from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from .models import Welcome


def render_welcome(item) -> str:
    welcome = Welcome.objects.select_related("mentor", "member", "community").filter(
        pk=item.target_id).first()
    return mark_safe(render_to_string("mentors/_target_welcome.html",  # noqa: S308
                                      {"welcome": welcome}))
