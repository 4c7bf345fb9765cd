"""How the review queue shows, approves and rejects items about private messages and
requests to the hospital (registered with moderation.targets). A page of the queue loads
what its cards show in a few queries, however many reported messages it holds (`prefetch_*`);
an item rendered alone loads its own."""

from __future__ import annotations

import operator
from functools import reduce

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from .models import AskEntry, AskRequest, Message

CONTEXT = 5  # messages before and after the reported one
_CACHE = "_messaging_target"


def prefetch_messages(items) -> None:
    """The reported messages of these items and the conversation around each, in three
    queries: the messages, the ids of their neighbours (a small ordered slice each side of each
    message, as subqueries), and those neighbours with their senders."""
    items = list(items)
    ids = {item.target_id for item in items if item.target_id}
    messages = {m.pk: m for m in Message.objects.select_related("sender").filter(pk__in=ids)}
    around: dict[int, list[Message]] = {pk: [] for pk in messages}
    if messages:
        sides = []
        for m in messages.values():
            same = Message.objects.filter(conversation_id=m.conversation_id)
            sides.append(same.filter(pk__lt=m.pk).order_by("-pk").values_list("pk")[:CONTEXT])
            sides.append(same.filter(pk__gt=m.pk).order_by("pk").values_list("pk")[:CONTEXT])
        # each side a sliced subquery of its own (SQLite takes no slice in a UNION's parts)
        neighbour_ids = set(Message.objects.filter(
            reduce(operator.or_, (Q(pk__in=side) for side in sides))).values_list("pk", flat=True))
        neighbours = sorted(Message.objects.select_related("sender").filter(
            pk__in=neighbour_ids), key=lambda n: n.pk)
        for m in messages.values():
            mine = [n for n in neighbours if n.conversation_id == m.conversation_id]
            before = [n for n in mine if n.pk < m.pk][-CONTEXT:]
            after = [n for n in mine if n.pk > m.pk][:CONTEXT]
            around[m.pk] = [*before, m, *after]
    for item in items:
        message = messages.get(item.target_id)
        setattr(item, _CACHE, (message, around.get(item.target_id, [])))


def render_message(item) -> str:
    """The reported message with the conversation around it: seen by a moderator only here,
    from the report."""
    if not hasattr(item, _CACHE):
        prefetch_messages([item])
    message, around = getattr(item, _CACHE)
    return mark_safe(render_to_string("messaging/_target_message.html",  # noqa: S308
                                      {"item": item, "message": message, "around": around}))


def prefetch_requests(items) -> None:
    """The requests of these items and each one's first words from the member (two
    queries)."""
    items = list(items)
    ids = {item.target_id for item in items if item.target_id}
    requests = AskRequest.objects.in_bulk(ids)
    first: dict[int, AskEntry] = {}
    for entry in AskEntry.objects.filter(request_id__in=ids, kind=AskEntry.Kind.MEMBER
                                         ).order_by("-pk"):
        first[entry.request_id] = entry  # the oldest comes last
    for item in items:
        setattr(item, _CACHE, (requests.get(item.target_id), first.get(item.target_id)))


def render_request(item) -> str:
    if not hasattr(item, _CACHE):
        prefetch_requests([item])
    request, first = getattr(item, _CACHE)
    return mark_safe(render_to_string("messaging/_target_request.html",  # noqa: S308
                                      {"item": item, "req": request, "first": first}))


def register() -> None:
    from moderation.targets import register_target

    from . import services

    register_target("message", render=render_message, prefetch=prefetch_messages,
                    reject=services.message_hide, approve=services.message_release)
    register_target("askrequest", render=render_request, prefetch=prefetch_requests)
