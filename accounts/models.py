from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HearthUserManager(UserManager):
    def get_by_natural_key(self, username):
        return self.get(username__iexact=username)


class User(AbstractUser):
    """A member. `username` is the public pseudonym; real names stay with staff."""

    class Visibility(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        MEMBERS = "members", _("Members")
        NOBODY = "nobody", _("Only me")

    display_name = models.CharField(_("display name"), max_length=40, blank=True)
    bio = models.TextField(_("short bio"), max_length=500, blank=True)
    bio_visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    is_caregiver = models.BooleanField(_("I'm a caregiver"), default=False)
    show_real_name = models.BooleanField(_("show my real name"), default=False)
    # A shared link to a discussion this member started shows its title and first lines
    # (Open Graph / X card) only when they allow it; off by default.
    allow_share_previews = models.BooleanField(
        _("Allow previews of my discussions when shared"), default=False
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    suspended_until = models.DateTimeField(null=True, blank=True)
    banned_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    signup_source = models.CharField(max_length=16, blank=True, default="")
    # Profile fields, each with who may see it (bio_visibility above is the first of them).
    conditions = models.CharField(
        _("communities and conditions I care about"), max_length=200, blank=True
    )
    conditions_visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    caregiver_visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    # Look-alike keys of the username and the display name (accounts.pseudonyms.name_key), kept
    # by save(): no member may take a name that could pass for another's.
    username_key = models.CharField(max_length=150, blank=True, default="", db_index=True,
                                    editable=False)
    display_key = models.CharField(max_length=150, blank=True, default="", db_index=True,
                                   editable=False)

    objects = HearthUserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]
        indexes = [
            # `username__iexact` (a profile, a sign-in by name, messages, mentors) compares
            # UPPER(username): without this index it read every member until it found the
            # name (64 ms for a recent member at 100,000 members, issue 24)
            models.Index(Upper("username"), name="user_username_upper"),
        ]

    def __str__(self) -> str:
        return self.username

    def save(self, *args, **kwargs):
        from .pseudonyms import name_key

        self.username_key = name_key(self.username)
        self.display_key = name_key(self.display_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            update_fields = set(update_fields)
            if "username" in update_fields:
                update_fields.add("username_key")
            if "display_name" in update_fields:
                update_fields.add("display_key")
            kwargs["update_fields"] = update_fields
        super().save(*args, **kwargs)

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > timezone.now()

    @property
    def is_banned(self) -> bool:
        return self.banned_at is not None


class ClinicianProfile(models.Model):
    """A clinician's application and, once staff approve it, their verification."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Not approved")
        REVOKED = "revoked", _("Revoked")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="clinician")
    credentials = models.CharField(max_length=40)
    specialty = models.CharField(max_length=80)
    organisation = models.CharField(max_length=120)
    licence_state = models.CharField(max_length=40, blank=True)
    npi = models.CharField("NPI", max_length=10)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} ({self.credentials}, {self.specialty})"

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED

    @property
    def badge(self) -> str:
        return _("Verified clinician · %(specialty)s") % {"specialty": self.specialty}


class DataExport(models.Model):
    """A member's request for their data; the archive is built by a Celery task and stored
    under MEDIA_ROOT/exports/ with an unguessable name, served only to its owner."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    file_name = models.CharField(max_length=80, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Export {self.pk} of {self.user_id} ({self.status})"
