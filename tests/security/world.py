"""One small forum with every role and every kind of object, for the security gates.

Communities: `open-commons` (public, anonymous posting allowed), `alpha-private` (A) and
`beta-private` (B), both private. Roles are the ten of issue 10 and `pex`, on the
patient-experience team (issue 22) and nothing else; objects are threads (with
their first post) in each state: public, private, held, hidden, deleted and anonymous, plus
ids that do not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from accounts.models import ClinicianProfile, DataExport, User
from community.models import Community, Membership, Post, Thread
from messaging.permissions import PATIENT_EXPERIENCE_GROUP
from moderation.models import ModerationItem, StaffNote
from notifications.models import Notification
from tests.factories import (
    join,
    make_clinician,
    make_community,
    make_user,
    publish_reply,
    publish_thread,
    record_sign_in,
)

ROLES = ("visitor", "newbie", "member_a", "member_b", "clinician", "mod_a", "staff",
         "suspended", "banned", "deactivated", "pex")
OBJECTS = ("public", "private", "held", "hidden", "deleted", "anonymous", "missing")
MISSING_PK = 987654321
CANARY = "zxcanary7f3a9c"  # only ever written in community A
ANON_NAME = "quietfinch4821"  # posts only anonymously
ANON_DISPLAY = "Shy Heron 93817"


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    communities: dict[str, Community] = field(default_factory=dict)
    threads: dict[str, Thread] = field(default_factory=dict)
    posts: dict[str, Post] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)

    def client(self, role: str, **kwargs) -> Client:
        """A fresh client signed in as the role (a new object each time, so that a request
        that signs the member out never affects the next one)."""
        client = Client(**kwargs)
        if self.cookies.get(role):
            client.cookies["sessionid"] = self.cookies[role]
        return client


def build_world(*, export_dir=None) -> World:
    world = World()
    pub = make_community("open-commons", anonymous=True)
    a = make_community("alpha-private", private=True, anonymous=True)
    b = make_community("beta-private", private=True)
    world.communities = {"public": pub, "a": a, "b": b}
    u = world.users
    u["newbie"] = make_user("newbie", days=0)
    u["member_a"] = make_user("member_a")
    u["member_b"] = make_user("member_b")
    u["clinician"] = make_user("clinician")
    make_clinician(u["clinician"], specialty="Cardiology", organisation="General")
    u["mod_a"] = make_user("mod_a")
    u["staff"] = make_user("staff", staff=True)
    u["suspended"] = make_user("suspended")
    u["banned"] = make_user("banned")
    u["deactivated"] = make_user("deactivated")
    # the patient-experience team's member: no staff flag, no moderation, the team's group only
    u["pex"] = make_user("pex")
    u["pex"].groups.add(Group.objects.get_or_create(name=PATIENT_EXPERIENCE_GROUP)[0])
    u["anon"] = make_user(ANON_NAME, display_name=ANON_DISPLAY)
    for name in ("newbie", "member_a", "member_b", "clinician", "mod_a", "suspended", "banned",
                 "deactivated", "anon", "pex"):
        join(u[name], pub)
    for name in ("member_a", "suspended", "banned", "deactivated", "anon"):
        join(u[name], a)
    join(u["mod_a"], a, role=Membership.Role.MODERATOR)
    join(u["member_b"], b)

    t = world.threads
    t["public"] = publish_thread(u["member_a"], pub, "Public question", "Walking helps me.")
    t["private"] = publish_thread(u["member_a"], a, "Private question", f"Night fears {CANARY}.")
    t["held"] = publish_thread(u["member_a"], a, "Held question", f"Held words {CANARY}.",
                               status=Thread.Status.HELD)
    t["hidden"] = publish_thread(u["member_a"], a, "Hidden question",
                                 f"Hidden words {CANARY}.", status=Thread.Status.HIDDEN)
    t["deleted"] = publish_thread(u["member_a"], a, "Deleted question",
                                  f"Deleted words {CANARY}.", status=Thread.Status.DELETED)
    t["anonymous"] = publish_thread(u["anon"], pub, "Asked anonymously",
                                    "Nobody knows it is me.", anonymous=True)
    world.posts = {kind: thread.posts.get(position=1) for kind, thread in t.items()}
    # replies, so that "accept an answer" has something to act on
    world.extra["reply_public"] = publish_reply(u["member_b"], t["public"], "Same for me.")

    world.extra["item"] = ModerationItem.objects.create(
        kind=ModerationItem.Kind.HELD, post=world.posts["held"], community=a,
        subject_user=u["member_a"], reason="watched_word", automatic=True)
    StaffNote.objects.create(member=u["member_a"], author=u["staff"], body="Staff note text")
    world.extra["notification"] = Notification.objects.create(
        recipient=u["member_a"], kind=Notification.Kind.MENTION, actor=u["mod_a"],
        thread=t["private"], post=world.posts["private"])
    world.extra["pending_clinician"] = make_clinician(
        u["member_b"], credentials="RN", specialty="Nursing", organisation="General",
        npi="1245319599", status=ClinicianProfile.Status.PENDING)
    export = DataExport.objects.create(user=u["member_a"])
    if export_dir is not None:
        export_dir.mkdir(parents=True, exist_ok=True)
        (export_dir / "exports").mkdir(exist_ok=True)
        (export_dir / "exports" / "member-a.json").write_text('{"format": "hearth-export/1"}')
        DataExport.objects.filter(pk=export.pk).update(
            status=DataExport.Status.READY, file_name="member-a.json", size=30,
            finished_at=timezone.now())
    world.extra["export"] = export

    from .world_learn import build_events, build_learn, build_mentors

    build_learn(world)
    build_events(world)
    build_mentors(world)

    # every signed-in role has a session (made before the restriction, as in real life)
    for role in ROLES:
        if role == "visitor":
            continue
        client = Client()
        client.force_login(u[role])
        record_sign_in(client, u[role])
        world.cookies[role] = client.cookies["sessionid"].value
    User.objects.filter(pk=u["suspended"].pk).update(
        suspended_until=timezone.now() + timedelta(days=7))
    User.objects.filter(pk=u["banned"].pk).update(banned_at=timezone.now())
    User.objects.filter(pk=u["deactivated"].pk).update(is_active=False)
    for role in ("suspended", "banned", "deactivated"):
        u[role].refresh_from_db()
    return world
