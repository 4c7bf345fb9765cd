"""Campaign links and what sharing brings back (issue 23).

- Staff make a campaign link to a public community, article or event (`campaign_create`);
  the link carries utm_source/utm_medium/utm_campaign and `hc=<code>`.
- A member's share link carries `hs=<share id>` (community.sharing): the page, not the member.
- `CampaignVisitMiddleware` writes one `CampaignVisit` per browser on landing through either
  (first touch, like insights.middleware.FirstTouchMiddleware) and keeps its id in a signed
  cookie; `visit_signed_up` (allauth's user_signed_up) gives the visit its account, once.
- `figures()` counts visits, and within 7 and 30 days of the visit the sign-ups, joins (of the
  community the link led to) and first posts; `suppressed()` turns small cells into "<5".
"""

from __future__ import annotations

import csv
import io
import secrets
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from community.models import Community, Membership, Post, Thread
from community.sharing import SHARE_KINDS, parse_share_id, tagged_url
from hearth.lib.spreadsheets import text_cell

from .campaign_models import Campaign, CampaignVisit
from .middleware import SKIPPED_PREFIXES
from .presenters import suppress

COOKIE_NAME = "hearth_visit"
COOKIE_SALT = "insights.campaign-visit"
COOKIE_MAX_AGE = 60 * 60 * 24 * 90
WINDOWS = (7, 30)
VISITS_PER_ADDRESS = (30, 3600)  # new visits recorded from one address an hour
OUTCOMES = ("signups", "joins", "first_posts")
MEDIUM = "social"
# Link-preview fetchers (X, Facebook, Slack, ...) and other robots are not visitors.
ROBOT_MARKS = ("bot", "crawler", "spider", "facebookexternalhit", "facebookcatalog",
               "embedly", "preview", "slurp", "curl", "wget", "python-requests")


# --- Staff's campaign links ------------------------------------------------------------------

def resolve_target(address: str) -> tuple[str, str, str, Community | None]:
    """(kind, path, label, community) of a public community, article or event address on
    Hearth; anything else is a ValidationError (a campaign never points at private pages)."""
    path = (address or "").strip()
    base = settings.HEARTH_BASE_URL.rstrip("/")
    if path.startswith(base):
        path = path[len(base):] or "/"
    path = path.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/") or path.startswith("//"):
        raise ValidationError(_("Give the address of a page on this site."))
    try:
        match = resolve(path)
    except Resolver404 as error:
        raise ValidationError(_("There is no such page on this site.")) from error
    if match.view_name == "community:community":
        community = Community.objects.filter(slug=match.kwargs["slug"]).first()
        if community is not None and community.visibility == Community.Visibility.PUBLIC:
            return "community", community.get_absolute_url(), community.name, community
    elif match.view_name == "learn:article":
        from django.contrib.auth.models import AnonymousUser

        from learn.models import Article  # insights reads every app
        from learn.permissions import can_view_article

        article = Article.objects.select_related("community").filter(
            pk=match.kwargs["pk"]).first()
        if article is not None and can_view_article(AnonymousUser(), article):
            return "article", path, article.title, article.community
    elif match.view_name == "events:event":
        from events.models import Event
        from events.permissions import can_preview_event

        event = Event.objects.select_related("community").filter(pk=match.kwargs["pk"]).first()
        if event is not None and can_preview_event(event):
            return "event", path, event.title, event.community
    raise ValidationError(_("Campaign links go to a public community, article or event."))


def campaign_create(*, name: str, address: str, source: str, created_by) -> Campaign:
    kind, path, label, community = resolve_target(address)
    if source not in Campaign.Source.values:
        raise ValidationError({"source": _("Choose where you will post the link.")})
    return Campaign.objects.create(
        name=name.strip()[:80], slug=slugify(name)[:80] or "campaign",
        code=secrets.token_hex(4), source=source, target_kind=kind, target_path=path,
        target_label=label[:200], community=community, created_by=created_by,
    )


def campaign_link(campaign: Campaign) -> str:
    return tagged_url(campaign.target_path, source=campaign.source, medium=MEDIUM,
                      campaign=campaign.slug, hc=campaign.code)


# --- Visits ---------------------------------------------------------------------------------

def _share_community_id(kind: str, pk: int) -> int | None:
    if kind == "c":
        return Community.objects.filter(pk=pk).values_list("pk", flat=True).first()
    if kind == "t":
        return Thread.objects.filter(pk=pk).values_list("community_id", flat=True).first()
    return None


def visit_record(*, code: str | None, share: str | None) -> CampaignVisit | None:
    """The landing visit through a campaign link or a shared link; None for neither."""
    if code:
        campaign = Campaign.objects.filter(code=code[:12]).first()
        if campaign is not None:
            return CampaignVisit.objects.create(campaign=campaign,
                                                community_id=campaign.community_id)
    parsed = parse_share_id(share)
    if parsed is not None and parsed[0] in SHARE_KINDS:
        return CampaignVisit.objects.create(share_id=share.strip().lower(),
                                            community_id=_share_community_id(*parsed))
    return None


def visit_of(request) -> int | None:
    try:
        value = request.get_signed_cookie(COOKIE_NAME, default=None, salt=COOKIE_SALT,
                                          max_age=COOKIE_MAX_AGE)
    except signing.BadSignature:
        return None
    return int(value) if value and value.isdigit() else None


class CampaignVisitMiddleware:
    """After FirstTouchMiddleware. Only anonymous GETs that carry `hc=` or `hs=` cost a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not self._applies(request) or response.status_code != 200:
            return response
        if visit_of(request) is not None:
            return response  # first touch: this browser's visit is already counted
        if not _address_may_add_visit(request):
            return response
        visit = visit_record(code=request.GET.get("hc"), share=request.GET.get("hs"))
        if visit is not None:
            response.set_signed_cookie(
                COOKIE_NAME, str(visit.pk), salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE,
                httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    @staticmethod
    def _applies(request) -> bool:
        if request.method != "GET" or request.path_info.startswith(SKIPPED_PREFIXES):
            return False
        if "hc" not in request.GET and "hs" not in request.GET:
            return False
        agent = request.headers.get("User-Agent", "").lower()
        if any(mark in agent for mark in ROBOT_MARKS):
            return False
        user = getattr(request, "user", None)
        return user is None or not user.is_authenticated


def _address_may_add_visit(request) -> bool:
    """At most VISITS_PER_ADDRESS new visits an hour from one address: a script dropping the
    cookie cannot fill the figures (or the table). Redis down: counted as allowed."""
    count, window = VISITS_PER_ADDRESS
    key = f"campaign-visits:{request.META.get('REMOTE_ADDR', '')}"
    try:
        cache.add(key, 0, timeout=window)
        return cache.incr(key) <= count
    except Exception:  # noqa: BLE001
        return True


def visit_signed_up(sender, request, user, **kwargs) -> None:
    """allauth's `user_signed_up`: the visit that brought this account gets it, once."""
    if request is None:
        return
    pk = visit_of(request)
    if pk is None:
        return
    with transaction.atomic():
        CampaignVisit.objects.filter(pk=pk, user__isnull=True).update(
            user=user, signed_up_at=timezone.now())


# --- Figures --------------------------------------------------------------------------------

def _empty() -> dict:
    return {"visits": 0, **{f"{o}_{d}": 0 for o in OUTCOMES for d in WINDOWS}}


def figures(*, community_ids: set[int] | None, start=None, end=None) -> dict:
    """{"campaigns": [...], "shares": [...]}: per campaign and per shared page, the visits
    and, within 7 and 30 days of the visit, sign-ups, joins and first posts. Exact counts
    (suppress before showing). Visits in [start, end) when given; four queries."""
    visits = CampaignVisit.objects.all()
    if community_ids is not None:
        visits = visits.filter(community_id__in=community_ids)
    if start is not None:
        visits = visits.filter(visited_at__gte=start)
    if end is not None:
        visits = visits.filter(visited_at__lt=end)
    rows = list(visits.values("pk", "campaign_id", "share_id", "community_id", "visited_at",
                              "user_id", "signed_up_at"))
    users = {row["user_id"] for row in rows if row["user_id"]}
    joined = defaultdict(list)
    for user_id, community_id, at in Membership.objects.filter(
            user_id__in=users, status=Membership.Status.ACTIVE).values_list(
            "user_id", "community_id", "joined_at"):
        joined[user_id].append((community_id, at))
    first_post = dict(Post.objects.filter(author_id__in=users).exclude(
        status=Post.Status.DELETED).values("author_id").annotate(first=Min("created_at"))
        .values_list("author_id", "first"))
    by_campaign: dict = defaultdict(_empty)
    by_share: dict = defaultdict(_empty)
    for row in rows:
        bucket = by_campaign[row["campaign_id"]] if row["campaign_id"] else \
            by_share[row["share_id"]]
        bucket["visits"] += 1
        if not row["user_id"] or row["signed_up_at"] is None:
            continue
        at = row["visited_at"]
        for days in WINDOWS:
            until = at + timedelta(days=days)
            if row["signed_up_at"] <= until:
                bucket[f"signups_{days}"] += 1
            if any(at <= when <= until and (row["community_id"] in (None, cid))
                   for cid, when in joined.get(row["user_id"], ())):
                bucket[f"joins_{days}"] += 1
            posted = first_post.get(row["user_id"])
            if posted is not None and at <= posted <= until:
                bucket[f"first_posts_{days}"] += 1
    campaigns = Campaign.objects.filter(pk__in=list(by_campaign)) if by_campaign else []
    out_campaigns = [{"campaign": c, "label": c.name, "target": c.target_label,
                      **by_campaign[c.pk]} for c in campaigns]
    out_campaigns.sort(key=lambda r: (-r["visits"], r["label"]))
    out_shares = [{"share_id": sid, "label": _share_label(sid), **counts}
                  for sid, counts in by_share.items()]
    out_shares.sort(key=lambda r: (-r["visits"], r["share_id"]))
    return {"campaigns": out_campaigns, "shares": out_shares}


def _share_label(share: str) -> str:
    parsed = parse_share_id(share)
    kind = SHARE_KINDS.get(parsed[0], "") if parsed else ""
    return f"{kind} {share}".strip()


def figures_for_campaigns(campaigns) -> dict[int, dict]:
    """Every figure of these campaigns, all time, by campaign id (for the campaigns page)."""
    rows = figures(community_ids=None)["campaigns"]
    wanted = {c.pk for c in campaigns}
    return {row["campaign"].pk: row for row in rows if row["campaign"].pk in wanted}


def suppressed(row: dict) -> dict:
    """The same row with every count under 5 shown as "<5" (no one can be singled out)."""
    keys = ["visits"] + [f"{o}_{d}" for o in OUTCOMES for d in WINDOWS]
    return {**row, **{key: suppress(row.get(key, 0)) for key in keys}}


def csv_text(*, community_ids, start, end) -> str:
    """The CSV export's campaign section (appended to presenters.csv_text)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(
        csv_rows(community_ids=community_ids, start=start, end=end))
    return buffer.getvalue()


def csv_rows(*, community_ids, start, end) -> list[list]:
    data = figures(community_ids=community_ids, start=start, end=end)
    header = ["campaigns", "kind", "campaign or shared page", "visits"] + [
        f"{o.replace('_', ' ')} ({d} days)" for o in OUTCOMES for d in WINDOWS]
    lines = [[], header]
    for kind, rows in (("campaign", data["campaigns"]), ("shared page", data["shares"])):
        for row in rows:
            safe = suppressed(row)
            lines.append(["campaigns", kind, text_cell(row["label"]), safe["visits"]] + [
                safe[f"{o}_{d}"] for o in OUTCOMES for d in WINDOWS])
    return lines

