from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


class Community(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        PRIVATE = "private", _("Private")

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    guidelines = models.TextField(_("guidelines"), blank=True)
    guidelines_html = models.TextField(blank=True, editable=False)
    color = models.CharField(
        _("colour"), max_length=7, default="#2f6f73",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #2f6f73."))],
    )
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    allow_anonymous = models.BooleanField(_("allow anonymous posting"), default=False)
    premoderate_posts = models.PositiveSmallIntegerField(
        _("hold a new member's first posts"), default=0,
        help_text=_("A member's first N posts wait for a moderator (0: none)."),
    )
    premoderate_days = models.PositiveSmallIntegerField(
        _("hold posts of accounts younger than (days)"), default=0,
    )
    slow_mode_seconds = models.PositiveIntegerField(
        _("slow mode (seconds between posts per member)"), default=0,
    )
    member_count = models.PositiveIntegerField(default=0, editable=False)
    thread_count = models.PositiveIntegerField(default=0, editable=False)
    last_activity_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "communities"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("community:community", kwargs={"slug": self.slug})

    @property
    def is_private(self) -> bool:
        return self.visibility == self.Visibility.PRIVATE


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        MODERATOR = "moderator", _("Moderator")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Member")
        PENDING = "pending", _("Waiting for approval")

    class Level(models.TextChoices):
        WATCHING = "watching", _("Watching")
        NORMAL = "normal", _("Normal")
        MUTED = "muted", _("Muted")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    level = models.CharField(max_length=8, choices=Level.choices, default=Level.NORMAL)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="membership_unique"),
        ]
        indexes = [models.Index(fields=["community", "status"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.community}"


class Thread(models.Model):
    class Kind(models.TextChoices):
        DISCUSSION = "discussion", _("Discussion")
        QUESTION = "question", _("Question")

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        HELD = "held", _("Awaiting review")
        HIDDEN = "hidden", _("Hidden by a moderator")
        DELETED = "deleted", _("Deleted")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="threads")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="threads"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=80, allow_unicode=False, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DISCUSSION)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    is_anonymous = models.BooleanField(default=False)
    is_pinned = models.BooleanField(default=False)
    is_locked = models.BooleanField(default=False)
    accepted_post = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply_count = models.PositiveIntegerField(default=0)
    reaction_count = models.PositiveIntegerField(default=0)
    clinician_answer_count = models.PositiveIntegerField(default=0)
    last_position = models.PositiveIntegerField(default=0)
    event_seq = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    first_reply_at = models.DateTimeField(null=True, blank=True)
    first_clinician_answer_at = models.DateTimeField(null=True, blank=True)
    is_crisis = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["community", "-is_pinned", "-last_activity_at"]),
            models.Index(fields=["kind", "clinician_answer_count", "created_at"]),
            # A community's "latest" pages, in their exact order (community.paging).
            models.Index(fields=["community", "-is_pinned", "-last_activity_at", "-id"],
                         condition=models.Q(status="published"),
                         name="thread_community_latest"),
            # Its "top" pages and its questions (and unanswered ones among them), for
            # readers who do not moderate it (community.paging.ReaderThreadsPaginator).
            models.Index(fields=["community", "-is_pinned", "-reaction_count", "-reply_count",
                                 "-id"],
                         condition=models.Q(status="published"), name="thread_community_top"),
            models.Index(fields=["community", "-is_pinned", "-last_activity_at", "-id"],
                         condition=models.Q(status="published", kind="question"),
                         name="thread_community_questions"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:80] or "thread"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("community:thread", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def is_question(self) -> bool:
        return self.kind == self.Kind.QUESTION


class Post(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        HELD = "held", _("Awaiting review")
        HIDDEN = "hidden", _("Hidden by a moderator")
        DELETED = "deleted", _("Deleted by its author")

    class Screening(models.TextChoices):
        PENDING = "pending", _("Not screened yet")
        CLEAN = "clean", _("Screened")
        HELD = "held", _("Held by screening")
        FLAGGED = "flagged", _("Flagged by screening")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="posts"
    )
    position = models.PositiveIntegerField()
    body = models.TextField(max_length=20000)
    body_html = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    screening = models.CharField(
        max_length=8, choices=Screening.choices, default=Screening.PENDING
    )
    is_anonymous = models.BooleanField(default=False)
    is_clinician_answer = models.BooleanField(default=False)
    author_badge = models.CharField(max_length=120, blank=True)
    helpful_count = models.PositiveIntegerField(default=0)
    support_count = models.PositiveIntegerField(default=0)
    thanks_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    # When the post first became public (after screening or approval); counters count it once.
    published_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)
    # Moves with every change to the post (save() and the services' QuerySet.update calls):
    # the key of its rendered HTML (community.fragments) instead of a list of its fields.
    version = models.PositiveIntegerField(default=1, editable=False)
    # PostgreSQL full-text vector (title weighted A, body B), kept by community.search.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "position"], name="post_position_unique"),
        ]
        indexes = [
            models.Index(fields=["thread", "status", "position"]),
            # The public posts of a thread in order (community.paging); the condition is
            # community.permissions.public_posts (PUBLIC_SCREENING: clean, flagged).
            models.Index(fields=["thread", "position"],
                         condition=models.Q(status="published",
                                            screening__in=["clean", "flagged"]),
                         name="thread_public_position"),
            models.Index(fields=["screening", "created_at"]),
            models.Index(fields=["author", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"Post {self.pk} in thread {self.thread_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            self.version = (self.version or 0) + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("community:post", kwargs={"pk": self.pk})

    @property
    def is_first(self) -> bool:
        return self.position == 1

    @property
    def is_visible(self) -> bool:
        return self.status == self.Status.PUBLISHED


class PostRevision(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Revision of post {self.post_id} at {self.created_at:%Y-%m-%d %H:%M}"


class Reaction(models.Model):
    class Kind(models.TextChoices):
        HELPFUL = "helpful", _("Helpful")
        SUPPORT = "support", _("Support")
        THANKS = "thanks", _("Thanks")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "kind"], name="reaction_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on post {self.post_id}"


class ThreadFollow(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_follows"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="follow_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.thread_id}"


class Bookmark(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="bookmarks")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="bookmark_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} bookmarked {self.post_id}"


class AnswerVote(models.Model):
    """"Did this answer help?" on a clinician's answer or an accepted answer: one private
    vote per member and post (a second vote changes it). Only totals ever leave this table."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="answer_votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="answer_votes"
    )
    helped = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="answer_vote_unique"),
        ]
        indexes = [models.Index(fields=["updated_at"], name="answer_vote_updated")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.post_id}: {'helped' if self.helped else 'not'}"


class ThreadRead(models.Model):
    """How far a member has read a thread: drives "first unread" and "N new replies"."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_reads"
    )
    last_read_position = models.PositiveIntegerField(default=0)
    last_visit_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="thread_read_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id} to {self.last_read_position}"


class Draft(models.Model):
    """A member's unfinished reply (to a thread) or new thread (in a community), kept on the
    server so that it survives a reload or another computer, never in the browser's storage
    (patients use shared computers). One per member and target; deleted once posted or
    discarded."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts"
    )
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="drafts"
    )
    community = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.CASCADE, related_name="drafts"
    )
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(max_length=20000, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="draft_unique_reply",
                                    condition=models.Q(thread__isnull=False)),
            models.UniqueConstraint(fields=["user", "community"], name="draft_unique_thread",
                                    condition=models.Q(thread__isnull=True)),
            models.CheckConstraint(
                condition=models.Q(thread__isnull=False, community__isnull=True)
                | models.Q(thread__isnull=True, community__isnull=False),
                name="draft_one_target",
            ),
        ]

    def __str__(self) -> str:
        target = f"thread {self.thread_id}" if self.thread_id else f"community {self.community_id}"
        return f"draft of {self.user_id} for {target}"
