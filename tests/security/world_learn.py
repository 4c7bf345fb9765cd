"""The library's and events' part of the security world: a published article in the public
community (by the clinician), one in A carrying the canary (by staff), and a draft in the
public community (by the clinician)."""

from __future__ import annotations

from learn.models import Article

from .world import CANARY


def _article(author, community, title, body, status=Article.Status.PUBLISHED) -> Article:
    return Article.objects.create(
        author=author, community=community, title=title, body=body, body_html=f"<p>{body}</p>",
        status=status, credentials="MD")


def build_learn(world) -> None:
    u, c = world.users, world.communities
    world.extra["article_public"] = _article(u["clinician"], c["public"], "Heart basics",
                                             "Walk a little every day.")
    world.extra["article_a"] = _article(u["staff"], c["a"], f"Night fears {CANARY} guide",
                                        f"Private guidance {CANARY}.")
    world.extra["article_draft"] = _article(u["clinician"], c["public"], "Unfinished draft",
                                            "Not ready.", status=Article.Status.DRAFT)


def build_events(world) -> None:
    """An upcoming expert Q&A in the public community and one in A (its title and question
    carry the canary), each with a question by member_a; the clinician is the expert."""
    import datetime

    from django.utils import timezone

    from events.models import Event, Question

    u, c = world.users, world.communities
    start = timezone.now() + datetime.timedelta(days=2)
    for key, community, title, body in (
            ("public", c["public"], "Heart Q&A", "Is walking enough?"),
            ("a", c["a"], f"Night Q&A {CANARY}", f"Night question {CANARY}")):
        event = Event.objects.create(community=community, title=title, expert=u["clinician"],
                                     starts_at=start, ends_at=start + datetime.timedelta(hours=1),
                                     created_by=u["staff"])
        world.extra[f"event_{key}"] = event
        world.extra[f"question_{key}"] = Question.objects.create(
            event=event, author=u["member_a"], body=body, body_html=f"<p>{body}</p>")


def build_mentors(world) -> None:
    """member_a mentors the public community (and welcomed member_b); member_b's application
    waits for staff."""
    from mentors.models import MentorApplication, Welcome

    u, c = world.users, world.communities
    MentorApplication.objects.create(user=u["member_a"], community=c["public"],
                                     motivation="Glad to help", status="approved")
    world.extra["mentor_application"] = MentorApplication.objects.create(
        user=u["member_b"], community=c["public"], motivation="I would like to help")
    # member_a's welcome to member_b (only member_b may say they read it)
    world.extra["welcome"] = Welcome.objects.create(
        mentor=u["member_a"], member=u["member_b"], community=c["public"],
        body="Welcome!", body_html="<p>Welcome!</p>")
