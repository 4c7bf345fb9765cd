"""The demo's expert Q&A events (seed_demo): one past, answered; one upcoming."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import User
from community.models import Community

from .models import Event, Question, Registration


def seed_demo_events() -> list[Event]:
    drlee = User.objects.get(username="drlee")
    admin = User.objects.get(username="admin")
    maria = User.objects.get(username="maria")
    diabetes = Community.objects.get(slug="type-2-diabetes")
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    made = []
    for title, start, description in (
            ("Ask Dr. Lee: morning highs", now - datetime.timedelta(days=7, hours=-18),
             "Why sugar is high in the morning, and what helps."),
            ("Ask Dr. Lee: insulin and exercise", now + datetime.timedelta(days=5, hours=18),
             "Bring your questions about staying active on insulin.")):
        event, created = Event.objects.get_or_create(
            title=title, community=diabetes,
            defaults={"expert": drlee, "starts_at": start,
                      "ends_at": start + datetime.timedelta(hours=1), "created_by": admin,
                      "description": description,
                      "description_html": f"<p>{description}</p>"})
        if created:
            Registration.objects.get_or_create(event=event, user=maria)
            if start < now:
                Question.objects.create(
                    event=event, author=maria, body="Why is my sugar high before breakfast?",
                    body_html="<p>Why is my sugar high before breakfast?</p>", vote_count=3,
                    answer="Hormones released early in the morning raise glucose. Talk to "
                           "your team about the timing of your evening dose.",
                    answer_html="<p>Hormones released early in the morning raise glucose. "
                                "Talk to your team about the timing of your evening dose.</p>",
                    answered_at=start + datetime.timedelta(minutes=20), answered_by=drlee)
        made.append(event)
    return made
