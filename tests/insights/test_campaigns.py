"""Issue 23: campaign links and shared links, and what they bring back, counted once each."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from html import unescape
from urllib.parse import urlparse

import pytest
from django.test import Client

from community.models import Post
from community.sharing import share_id
from insights import campaigns
from insights.campaign_models import Campaign, CampaignVisit
from tests.conftest import client_for, join, make_user, publish_reply, publish_thread
from tests.insights.test_first_touch import sign_up

pytestmark = pytest.mark.django_db


def make_campaign(staff_client: Client, name: str, address: str, source: str = "x") -> str:
    response = staff_client.post("/insights/campaigns/",
                                 {"name": name, "address": address, "source": source})
    assert response.status_code == 302, response.content[:800]
    page = staff_client.get("/insights/campaigns/").content.decode()
    links = [unescape(link) for link in re.findall(r'<code class="campaign-link">([^<]+)</code>',
                                                   page)]
    return next(link for link in links if f"utm_campaign={name}" in link)


def local(link: str) -> str:
    parts = urlparse(link)
    return f"{parts.path}?{parts.query}"


def cells(html: str, label: str) -> dict[str, str]:
    row = re.search(rf'<tr data-campaign-row="{re.escape(label)}">(.*?)</tr>', html, re.S)
    assert row, label
    return dict(re.findall(r'<td data-cell="([a-z_0-9]+)">([^<]*)</td>', row.group(1)))


def test_a_campaign_visit_then_a_sign_up_a_join_and_a_first_post_count_once_each(diabetes):
    staff = client_for(make_user("StaffHeron1", staff=True))
    link = make_campaign(staff, "spring-week", "/c/type-2-diabetes/")
    assert "utm_source=x" in link and "utm_medium=social" in link and "hc=" in link
    # a visitor lands through the link, comes back through it, then signs up
    visitor = Client()
    assert visitor.get(local(link)).status_code == 200
    assert visitor.get(local(link)).status_code == 200
    visitor.get("/accounts/signup/")
    member = sign_up(visitor, "NewHeron2")
    assert member.signup_source == "x"
    # confirms the address (signs in), joins, starts a discussion, replies: one join, one post
    member.emailaddress_set.update(verified=True)
    visitor = client_for(member)
    assert visitor.post("/c/type-2-diabetes/join/").status_code in (200, 302)
    assert visitor.post("/c/type-2-diabetes/new/", {
        "title": "Hello from the spring week", "body": "Glad to be here.", "kind": "discussion",
    }).status_code == 302
    publish_reply(member, publish_thread(make_user("OldHeron9"), diabetes), "A second post.")
    assert Post.objects.filter(author=member).count() == 2
    campaign = Campaign.objects.get(slug="spring-week")
    numbers = campaigns.figures(community_ids=None)["campaigns"]
    assert len(numbers) == 1
    row = numbers[0]
    assert row["campaign"] == campaign
    assert {key: row[key] for key in row if key not in ("campaign", "label", "target")} == {
        "visits": 1, "signups_7": 1, "signups_30": 1, "joins_7": 1, "joins_30": 1,
        "first_posts_7": 1, "first_posts_30": 1,
    }
    # shown suppressed on the campaigns page, the dashboard and in the CSV
    page = staff.get("/insights/campaigns/").content.decode()
    assert cells(page, "spring-week") == {key: "&lt;5" for key in (
        "visits", "signups_7", "signups_30", "joins_7", "joins_30", "first_posts_7",
        "first_posts_30")}
    dashboard = staff.get("/insights/").content.decode()
    assert cells(dashboard, "spring-week")["first_posts_30"] == "&lt;5"
    rows = list(csv.reader(io.StringIO(staff.get("/insights/export.csv").content.decode())))
    assert ["campaigns", "campaign", "spring-week", "<5", "<5", "<5", "<5", "<5", "<5",
            "<5"] in rows


def test_five_visits_show_as_five_and_a_late_sign_up_counts_in_30_days_only(diabetes):
    staff = client_for(make_user("StaffHeron3", staff=True))
    link = make_campaign(staff, "autumn", "/c/type-2-diabetes/", source="facebook")
    for _ in range(5):
        Client().get(local(link))
    late = Client()
    late.get(local(link))
    CampaignVisit.objects.filter(user__isnull=True).update(
        visited_at=CampaignVisit.objects.first().visited_at - timedelta(days=10))
    late.get("/accounts/signup/")
    sign_up(late, "LateHeron4")
    row = campaigns.figures(community_ids=None)["campaigns"][0]
    assert (row["visits"], row["signups_7"], row["signups_30"]) == (6, 0, 1)
    page = staff.get("/insights/campaigns/").content.decode()
    assert cells(page, "autumn")["visits"] == "6"


def test_a_shared_link_counts_for_the_page_never_the_sharer(diabetes):
    author = make_user("ShareHeron5", allow_share_previews=True)
    join(author, diabetes)
    thread = publish_thread(author, diabetes, title="What helped", body="Walking.")
    sid = share_id("t", thread.pk)
    visitor = Client()
    path = thread.get_absolute_url()
    assert visitor.get(f"{path}?utm_source=facebook&utm_medium=share&utm_campaign=member-share"
                       f"&hs={sid}").status_code == 200
    visitor.get("/accounts/signup/")
    sign_up(visitor, "SharedHeron6")
    shares = campaigns.figures(community_ids=None)["shares"]
    assert [(r["share_id"], r["visits"], r["signups_7"]) for r in shares] == [(sid, 1, 1)]
    visit = CampaignVisit.objects.get()
    assert visit.community_id == diabetes.pk and visit.campaign_id is None
    # a forged share id counts nothing; nor does the network fetching the link's card
    Client().get(f"{path}?hs=t1-000000")
    Client(HTTP_USER_AGENT="facebookexternalhit/1.1").get(f"{path}?hs={sid}")
    Client(HTTP_USER_AGENT="Twitterbot/1.0").get(f"{path}?hs={sid}")
    assert CampaignVisit.objects.count() == 1


def test_only_staff_see_campaigns_and_links_only_go_to_public_pages(diabetes, mental, maria):
    assert client_for(maria).get("/insights/campaigns/").status_code == 404
    assert Client().get("/insights/campaigns/").status_code == 404
    staff = client_for(make_user("StaffHeron7", staff=True))
    response = staff.post("/insights/campaigns/", {"name": "secret", "source": "x",
                                                  "address": "/c/mental-health/"})
    assert response.status_code == 400
    assert not Campaign.objects.exists()
    moderator = make_user("ModHeron8")
    join(moderator, diabetes, role="moderator")
    assert client_for(moderator).get("/insights/campaigns/").status_code == 404


def test_a_campaign_link_to_an_event_counts_its_visit(diabetes):
    from tests.community.test_share_cards import _event

    event = _event(diabetes, "Ask about feet")
    staff = client_for(make_user("StaffHeron10", staff=True))
    link = make_campaign(staff, "event-week", event.get_absolute_url(), source="email")
    assert Client().get(local(link)).status_code == 200
    campaign = Campaign.objects.get(slug="event-week")
    assert (campaign.target_kind, campaign.community) == ("event", diabetes)
    assert CampaignVisit.objects.filter(campaign=campaign).count() == 1


def test_only_those_who_manage_campaigns_are_offered_the_campaign_links_page(as_admin, as_sam):
    """The dashboard's campaigns section links to /insights/campaigns/ through the permission
    (insights.permissions.can_manage_campaigns), not a template's own staff check."""
    assert 'href="/insights/campaigns/"' in as_admin.get("/insights/").content.decode()
    page = as_sam.get("/insights/")
    assert page.status_code == 200
    assert 'href="/insights/campaigns/"' not in page.content.decode()
    assert as_sam.get("/insights/campaigns/").status_code == 404
