"""seed_demo includes the library and the expert Q&A events, once however often it runs."""

from __future__ import annotations

from django.core.management import call_command
from django.utils import timezone

from events.models import Event
from learn.models import Article
from mentors.models import MentorApplication


def test_seed_demo_adds_articles_in_both_languages_and_a_past_and_an_upcoming_event(
        db, redis_client):
    call_command("seed_demo", "--no-history", verbosity=0)
    call_command("seed_demo", "--no-history", verbosity=0)
    assert Article.objects.filter(status="published").count() == 3
    spanish = Article.objects.get(language="es")
    assert spanish.translation.language == "en" and spanish.translation.translation == spanish
    now = timezone.now()
    assert Event.objects.filter(ends_at__lt=now).count() == 1
    assert Event.objects.filter(starts_at__gt=now).count() == 1
    past = Event.objects.get(ends_at__lt=now)
    assert past.questions.filter(answered_at__isnull=False).exists()
    assert MentorApplication.objects.get(status="approved").user.username == "james"
