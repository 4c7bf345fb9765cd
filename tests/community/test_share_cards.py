"""Issue 23: a shared link's card (Open Graph and X card tags), read from the page's HTML."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from PIL import Image

from community.models import Community, Thread
from community.sharing import parse_share_id, share_id
from tests.conftest import client_for, join, make_user, publish_thread

pytestmark = pytest.mark.django_db


class _Meta(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: dict[str, str] = {}
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name") or ""
            if key.startswith(("og:", "twitter:")) or key == "description":
                self.tags[key] = attrs.get("content") or ""
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "button" and attrs.get("data-share-url"):
            self.links.append(attrs["data-share-url"])


def card_of(response) -> _Meta:
    assert response.status_code == 200
    parser = _Meta()
    parser.feed(response.content.decode())
    return parser


def sharing_author(name: str, community: Community, *, allow: bool = True):
    author = make_user(name, allow_share_previews=allow)
    join(author, community)
    return author


def test_a_public_community_has_a_card_with_its_colour_image(client, diabetes):
    page = card_of(client.get(diabetes.get_absolute_url()))
    assert page.tags["og:title"] == diabetes.name
    assert page.tags["og:description"] == diabetes.description
    assert page.tags["twitter:card"] == "summary_large_image"
    image = urlparse(page.tags["og:image"]).path
    assert image == f"/c/{diabetes.slug}/card.png"
    assert page.tags["twitter:image"] == page.tags["og:image"]
    png = client.get(image)
    assert png["Content-Type"] == "image/png"
    picture = Image.open(io.BytesIO(png.content))
    assert picture.size == (1200, 630)
    assert picture.getpixel((5, 5)) == (0x2F, 0x6F, 0x73)  # the community's colour


def test_a_private_community_has_no_card_and_no_image(client, mental):
    page = card_of(client.get(mental.get_absolute_url()))
    assert page.tags == {}
    assert client.get(f"/c/{mental.slug}/card.png").status_code == 404


def test_a_public_discussion_has_a_card_when_its_author_allows_it(client, diabetes):
    author = sharing_author("OpenWren11", diabetes)
    thread = publish_thread(author, diabetes, title="Walking after dinner",
                            body="Ten minutes of **walking** lowered my readings.")
    page = card_of(client.get(thread.get_absolute_url()))
    assert page.tags["og:title"] == "Walking after dinner"
    assert page.tags["og:description"] == "Ten minutes of walking lowered my readings."
    assert page.tags["twitter:description"] == page.tags["og:description"]
    assert urlparse(page.tags["og:image"]).path == f"/c/{diabetes.slug}/card.png"
    assert "OpenWren11" not in str(page.tags)


def test_a_discussion_whose_author_did_not_allow_previews_has_no_card(client, diabetes):
    author = sharing_author("QuietWren12", diabetes, allow=False)  # the default
    thread = publish_thread(author, diabetes, title="My private worry", body="Details here")
    page = card_of(client.get(thread.get_absolute_url()))
    assert page.tags == {}
    assert not [link for link in page.links if "utm_medium=share" in link]


@pytest.mark.parametrize("state", ["anonymous", "held", "crisis", "hidden"])
def test_no_card_on_anonymous_held_or_crisis_content(state, diabetes):
    diabetes.allow_anonymous = True
    diabetes.save(update_fields=["allow_anonymous"])
    author = sharing_author("BoldWren13", diabetes)
    thread = publish_thread(author, diabetes, title="Hard night", body="Something personal",
                            anonymous=state == "anonymous")
    if state == "held":
        Thread.objects.filter(pk=thread.pk).update(status=Thread.Status.HELD)
    if state == "crisis":
        Thread.objects.filter(pk=thread.pk).update(is_crisis=True)
    if state == "hidden":
        thread.posts.filter(position=1).update(status="hidden")
    staff = make_user("StaffWren14", staff=True)
    for client in (client_for(author), client_for(staff)):
        response = client.get(thread.get_absolute_url())
        page = card_of(response)
        assert page.tags == {}, state
        assert "Something personal" not in str(page.tags)


def test_a_private_community_discussion_has_no_card_even_for_its_members(mental):
    author = sharing_author("InnerWren15", mental)
    thread = publish_thread(author, mental, title="Inside only", body="Members only text")
    page = card_of(client_for(author).get(thread.get_absolute_url()))
    assert page.tags == {}


def test_the_directory_has_a_generic_card(client):
    page = card_of(client.get("/"))
    assert "og:description" not in page.tags
    assert urlparse(page.tags["og:image"]).path == "/card.png"
    assert client.get("/card.png")["Content-Type"] == "image/png"


def test_share_links_carry_a_campaign_tag_and_a_share_id_never_the_member(diabetes):
    author = sharing_author("LinkWren16", diabetes)
    thread = publish_thread(author, diabetes, title="Pens or syringes", body="Which one?")
    sharer = make_user("SharerWren17")
    pages = [card_of(client_for(sharer).get(thread.get_absolute_url())),
             card_of(Client().get(thread.get_absolute_url()))]
    shared = [sorted(link for link in page.links if "utm_medium" in link
                     or "x.com" in link or "facebook.com" in link or link.startswith("mailto:"))
              for page in pages]
    assert shared[0] == shared[1]  # the same links whoever shares: nothing of the member
    links = shared[0]
    assert len(links) >= 4
    assert any(link.startswith("https://x.com/intent/post?") for link in links)
    assert any(link.startswith("https://www.facebook.com/sharer/sharer.php?") for link in links)
    assert any(link.startswith("mailto:?") for link in links)
    copy = next(link for link in links if link.startswith("http://")
                or link.startswith("https://") and "x.com" not in link
                and "facebook" not in link)
    query = parse_qs(urlparse(copy).query)
    assert query["utm_medium"] == ["share"]
    assert query["utm_campaign"] == ["member-share"]
    assert parse_share_id(query["hs"][0]) == ("t", thread.pk)
    for link in links:
        assert "SharerWren17" not in link and str(sharer.pk) not in query["hs"][0][1:-7]


def test_a_forged_share_id_is_refused():
    good = share_id("t", 42)
    assert parse_share_id(good) == ("t", 42)
    assert parse_share_id(good[:-1] + ("0" if good[-1] != "0" else "1")) is None
    assert parse_share_id("t1-zzzzzz") is None
    assert parse_share_id("") is None


def test_the_preview_setting_is_off_by_default_and_saved_from_settings(diabetes):
    member = make_user("SetWren18")
    assert member.allow_share_previews is False
    response = client_for(member).post("/settings/", {
        "display_name": "", "bio": "", "bio_visibility": "members", "conditions": "",
        "conditions_visibility": "members", "caregiver_visibility": "members",
        "language": "", "time_zone": "UTC", "allow_share_previews": "on",
    })
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.allow_share_previews is True


def _article(community, title, status="published"):
    from learn.models import Article

    author = make_user(f"Writer{title[:4].title()}", staff=True)
    return Article.objects.create(author=author, community=community, title=title,
                                  summary=f"Summary of {title}", body="Body text.",
                                  body_html="<p>Body text.</p>", status=status)


def test_a_published_article_in_a_public_community_has_a_card(client, diabetes):
    article = _article(diabetes, "Foot care basics")
    page = card_of(client.get(article.get_absolute_url()))
    assert page.tags["og:title"] == "Foot care basics"
    assert page.tags["og:description"] == "Summary of Foot care basics"
    assert urlparse(page.tags["og:image"]).path == f"/c/{diabetes.slug}/card.png"
    shared = [link for link in page.links if "hs=" in link and link.startswith("http")]
    hs = parse_qs(urlparse(shared[0]).query)["hs"][0]
    assert parse_share_id(hs) == ("a", article.pk)


def test_a_private_communitys_article_and_a_draft_have_no_card(diabetes, mental):
    private = _article(mental, "Inner guide")
    draft = _article(diabetes, "Half done", status="draft")
    staff = client_for(private.author)
    for article in (private, draft):
        page = card_of(staff.get(article.get_absolute_url()))
        assert page.tags == {}, article.title


def test_a_visitors_cached_page_loses_its_card_when_the_author_withdraws_it(client, diabetes):
    author = sharing_author("CacheWren19", diabetes)
    thread = publish_thread(author, diabetes, title="Cached walk", body="Evening walks.")
    assert card_of(client.get(thread.get_absolute_url())).tags["og:title"] == "Cached walk"
    assert card_of(client.get(thread.get_absolute_url())).tags  # now from the page cache
    type(author).objects.filter(pk=author.pk).update(allow_share_previews=False)
    assert card_of(client.get(thread.get_absolute_url())).tags == {}
    Thread.objects.filter(pk=thread.pk).update(is_crisis=True)
    type(author).objects.filter(pk=author.pk).update(allow_share_previews=True)
    assert card_of(client.get(thread.get_absolute_url())).tags == {}


def test_only_the_first_page_of_a_discussion_has_a_card(client, diabetes):
    from tests.conftest import publish_reply

    author = sharing_author("PageWren20", diabetes)
    thread = publish_thread(author, diabetes, title="Long talk", body="Opening words.")
    for i in range(21):
        publish_reply(author, thread, f"Reply {i}")
    assert card_of(client.get(thread.get_absolute_url())).tags["og:title"] == "Long talk"
    assert card_of(client.get(f"{thread.get_absolute_url()}?page=2")).tags == {}


def _event(community, title):
    from datetime import timedelta

    from django.utils import timezone

    from events.models import Event

    expert = make_user(f"Expert{title[:4].title()}")
    start = timezone.now() + timedelta(days=2)
    return Event.objects.create(community=community, title=title, expert=expert,
                                description="Bring questions.",
                                description_html="<p>Bring questions.</p>",
                                starts_at=start, ends_at=start + timedelta(hours=1))


def test_an_event_in_a_public_community_has_a_card_and_a_cancelled_or_private_one_none(
        client, diabetes, mental):
    from events.models import Event

    event = _event(diabetes, "Ask about insulin")
    page = card_of(client.get(event.get_absolute_url()))
    assert page.tags["og:title"] == "Ask about insulin"
    assert page.tags["og:description"] == "Bring questions."
    assert urlparse(page.tags["og:image"]).path == f"/c/{diabetes.slug}/card.png"
    shared = [link for link in page.links if "hs=" in link and link.startswith("http")]
    assert parse_share_id(parse_qs(urlparse(shared[0]).query)["hs"][0]) == ("e", event.pk)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    assert card_of(client.get(event.get_absolute_url())).tags == {}
    private = _event(mental, "Inner circle")
    staff = client_for(make_user("StaffWren21", staff=True))
    assert card_of(staff.get(private.get_absolute_url())).tags == {}
