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
