"""The education library: articles written by staff and verified clinicians, reviewed on a
schedule, in English and Spanish versions that point at each other."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    class Language(models.TextChoices):
        EN = "en", _("English")
        ES = "es", _("Spanish")

    # No community: the article belongs to the whole library (every community shows it).
    community = models.ForeignKey(
        "community.Community", null=True, blank=True, on_delete=models.CASCADE,
        related_name="articles", verbose_name=_("community"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="articles"
    )
    credentials = models.CharField(_("author's credentials"), max_length=120, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("reviewer"),
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices,
                                default=Language.EN)
    # The other language's version of the same article (both point at each other).
    translation = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=80, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("article"), max_length=60000)
    body_html = models.TextField(editable=False)
    sources = models.TextField(_("sources"), blank=True,
                               help_text=_("One source per line: a title or a link."))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    reading_level = models.FloatField(null=True, blank=True, editable=False)
    last_reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    review_reminded_for = models.DateField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    helpful_yes = models.PositiveIntegerField(default=0)
    helpful_no = models.PositiveIntegerField(default=0)
    view_count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["status", "community", "-published_at"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:80] or "article"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("learn:article", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def source_lines(self) -> list[str]:
        return [line.strip() for line in self.sources.splitlines() if line.strip()]


class ArticleVote(models.Model):
    """"Was this helpful?": one vote per member and article (a second vote changes it)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="article_votes")
    helpful = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="article_vote_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on article {self.article_id}: {self.helpful}"


class ArticleView(models.Model):
    """A member read the article (once per member: what the dashboard counts)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="views")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="article_views")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="article_view_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read article {self.article_id}"


class ArticleLink(models.Model):
    """An article attached to a post: "Read more" under an answer, or the question a member
    started from the article (then `started_here`)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="links")
    post = models.ForeignKey("community.Post", on_delete=models.CASCADE,
                             related_name="article_links")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                 related_name="+")
    started_here = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "post"], name="article_link_unique"),
        ]

    def __str__(self) -> str:
        return f"article {self.article_id} on post {self.post_id}"
