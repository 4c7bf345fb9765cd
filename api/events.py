"""What each webhook event says: ids and links only. Never a post's words, a title, or who
wrote it (an anonymous post's author, a member in crisis): a receiver that needs more asks
the API with a token, and gets what that token's member may see."""

from __future__ import annotations

from hearth.lib.emails import absolute

from . import services


def _thread_data(thread) -> dict:
    return {"thread_id": thread.pk, "community": thread.community.slug,
            "kind": thread.kind, "url": absolute(f"/t/{thread.pk}/"),
            "api_url": absolute(f"/api/v1/threads/{thread.pk}/")}


def thread_created(thread) -> list[int]:
    return services.event_queue(event="thread.created", key=f"thread:{thread.pk}",
                                data=_thread_data(thread))


def post_published(post) -> list[int]:
    data = {**_thread_data(post.thread), "post_id": post.pk, "position": post.position,
            "url": absolute(f"/p/{post.pk}/"), "api_url": absolute(f"/api/v1/posts/{post.pk}/")}
    return services.event_queue(event="post.published", key=f"post:{post.pk}", data=data)


def question_answered(post) -> list[int]:
    data = {**_thread_data(post.thread), "post_id": post.pk,
            "url": absolute(f"/p/{post.pk}/"), "api_url": absolute(f"/api/v1/posts/{post.pk}/")}
    return services.event_queue(event="question.answered", key=f"post:{post.pk}", data=data)


def question_waiting(thread) -> list[int]:
    data = {**_thread_data(thread), "asked_at": thread.created_at.isoformat()}
    return services.event_queue(event="question.waiting", key=f"thread:{thread.pk}", data=data)


def crisis_escalated(item, *, escalated: bool = False) -> list[int]:
    """A crisis item was opened by screening, or a moderator escalated an item to staff."""
    data = {"item_id": item.pk, "post_id": item.post_id,
            "community": item.community.slug if item.community_id else None,
            "escalated_by_moderator": escalated,
            "url": absolute(f"/moderation/?kind={item.kind}")}
    key = f"item:{item.pk}:{'escalated' if escalated else 'opened'}"
    return services.event_queue(event="crisis.escalated", key=key, data=data)


def member_joined(membership) -> list[int]:
    data = {"membership_id": membership.pk, "community": membership.community.slug,
            "url": absolute(f"/c/{membership.community.slug}/")}
    return services.event_queue(event="member.joined", key=f"membership:{membership.pk}",
                                data=data)
