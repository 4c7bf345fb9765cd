"""The one way tests make people and things: members, clinicians, communities, memberships,
threads and replies, and clients signed in as a member.

Every fixture layer builds on these (tests/conftest.py's named people, tests/security/world.py,
tests/insights/conftest.py); tests/conftest.py re-exports them, so `from tests.conftest import
make_user` keeps working. Threads and replies go through the community services as screening
leaves them, unless a test needs rows at fixed instants (tests/insights/conftest.py).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone

from accounts.models import ClinicianProfile, User
from community import services as forum
from community.models import Community, Membership, Post, Thread

PASSWORD = "hearth-demo"


def make_user(username: str, *, staff: bool = False, days: int = 60,
              joined: datetime | None = None, **extra) -> User:
    """A member with a verified address; joined `days` ago unless `joined` says when."""
    user = User(
        username=username, email=f"{username}@example.org", is_staff=staff,
        is_superuser=staff, date_joined=joined or timezone.now() - timedelta(days=days), **extra,
    )
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def make_clinician(user: User, *, specialty: str = "Endocrinology", npi: str = "1234567893",
                   status: str = ClinicianProfile.Status.VERIFIED,
                   credentials: str = "MD", organisation: str = "Hearth General"
                   ) -> ClinicianProfile:
    """The user's clinician profile (verified unless `status` says otherwise)."""
    return ClinicianProfile.objects.create(
        user=user, credentials=credentials, specialty=specialty, organisation=organisation,
        npi=npi, status=status,
    )


def make_community(slug: str, *, private: bool = False, anonymous: bool = False) -> Community:
    return Community.objects.create(
        slug=slug, name=slug.replace("-", " ").title(), description=f"About {slug}",
        visibility=Community.Visibility.PRIVATE if private else Community.Visibility.PUBLIC,
        allow_anonymous=anonymous,
    )


def join(user: User, community: Community, role: str = Membership.Role.MEMBER, *,
         joined_at: datetime | None = None) -> Membership:
    """An active membership (joined now unless `joined_at` says when); the community's
    member count follows."""
    extra = {"joined_at": joined_at} if joined_at is not None else {}
    membership = Membership.objects.create(
        user=user, community=community, role=role, status=Membership.Status.ACTIVE, **extra
    )
    Community.objects.filter(pk=community.pk).update(member_count=community.memberships.count())
    return membership


_POST_STATUS = {Thread.Status.HELD: Post.Status.HELD, Thread.Status.HIDDEN: Post.Status.HIDDEN,
                Thread.Status.DELETED: Post.Status.DELETED}


def publish_thread(author: User, community: Community, title: str = "A question",
                   body: str = "What helped you?", kind: str = "question",
                   anonymous: bool = False, *, status: str = Thread.Status.PUBLISHED) -> Thread:
    """A thread as it is once screening has passed it; with `status` held, hidden or deleted,
    moved to that state afterwards (with its first post)."""
    thread = Thread.objects.create(community=community, author=author, title=title, kind=kind,
                                   is_anonymous=anonymous, status=Thread.Status.HELD)
    post = forum._new_post(thread=thread, author=author, body=body, anonymous=anonymous)
    forum.post_screened(post=post, held=False)
    if status != Thread.Status.PUBLISHED:
        screening = Post.Screening.HELD if status == Thread.Status.HELD else Post.Screening.CLEAN
        Thread.objects.filter(pk=thread.pk).update(status=status)
        Post.objects.filter(pk=post.pk).update(status=_POST_STATUS[status], screening=screening)
    thread.refresh_from_db()
    return thread


def publish_reply(author: User, thread: Thread, body: str, anonymous: bool = False) -> Post:
    post = forum._new_post(thread=thread, author=author, body=body, anonymous=anonymous)
    return forum.post_screened(post=post, held=False)


def client_for(user: User, **kwargs) -> Client:
    """A test client signed in as the user just now."""
    client = Client(**kwargs)
    client.force_login(user)
    record_sign_in(client, user)
    return client


def record_sign_in(client: Client, user: User) -> None:
    """What allauth notes in the session at a password sign-in (force_login does not), so
    pages that want a recent sign-in (ACCOUNT_REAUTHENTICATION_TIMEOUT) see one."""
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "password", "at": time.time()}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
