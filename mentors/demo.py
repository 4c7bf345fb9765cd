"""The demo's volunteer mentor (seed_demo): james mentors Type 2 Diabetes."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User
from community.models import Community

from .models import MentorApplication


def seed_demo_mentor() -> MentorApplication:
    application, _created = MentorApplication.objects.get_or_create(
        user=User.objects.get(username="james"),
        community=Community.objects.get(slug="type-2-diabetes"),
        defaults={"motivation": "Ten years with type 2 diabetes; glad to help newcomers.",
                  "status": MentorApplication.Status.APPROVED,
                  "decided_by": User.objects.get(username="admin"),
                  "decided_at": timezone.now()})
    return application
