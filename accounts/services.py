"""Every write to accounts: sessions, restrictions, profile, export, erasure, clinicians.

Views, tasks and other apps (moderation calls `user_suspend`, `user_ban`, `user_deactivate`
and writes its audit rows) call these. Side effects are scheduled with on_commit.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import UTC, datetime, timedelta

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialToken
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.lib.live import publish_on_commit, user_group
from hearth.lib.redis_pool import batch_take, client
from hearth.lib.signals import send_on_commit

from . import export as registry
from . import permissions, signals
from .models import ClinicianProfile, DataExport, User
from .npi import npi_valid

logger = logging.getLogger(__name__)

EXPORT_DIR_NAME = "exports"
EXPORT_KEEP_DAYS = 7


# --- Sessions and restrictions -------------------------------------------------------------


def user_session_record(*, user: User, session_key: str, ip: str = "", user_agent: str = ""):
    """Remember that `session_key` belongs to `user`, so that it can be ended later.
    allauth's own login flow does this too; this also covers every other way to log in."""
    UserSession.objects.get_or_create(
        session_key=session_key,
        defaults={"user": user, "ip": ip or "0.0.0.0", "user_agent": user_agent[:200]},  # noqa: S104
    )


def user_end_sessions(*, user: User) -> int:
    """End every session of the member (all devices) and tell their open sockets."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    with transaction.atomic():
        ended, _rows = Session.objects.filter(session_key__in=keys).delete()
        UserSession.objects.filter(user=user).delete()
        publish_on_commit(user_group(user.pk), {"type": "access.revoked"})
    return ended


def user_suspend(*, user: User, until: datetime, reason: str = "") -> User:
    if until <= timezone.now():
        raise ValidationError(_("A suspension must end in the future."))
    with transaction.atomic():
        user.suspended_until = until
        user.save(update_fields=["suspended_until"])
        user_end_sessions(user=user)
    return user


def user_ban(*, user: User, reason: str = "") -> User:
    with transaction.atomic():
        user.banned_at = timezone.now()
        user.save(update_fields=["banned_at"])
        user_end_sessions(user=user)
    return user


def user_deactivate(*, user: User) -> User:
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        user_end_sessions(user=user)
    return user


def user_lift_restrictions(*, user: User) -> User:
    """Undo a suspension or ban (reactivation is for staff, through the admin)."""
    user.suspended_until = None
    user.banned_at = None
    user.save(update_fields=["suspended_until", "banned_at"])
    return user


# --- Profile (notification and digest preferences belong to the notifications app) ---

PROFILE_FIELDS = (
    "display_name", "bio", "bio_visibility", "conditions", "conditions_visibility",
    "is_caregiver", "caregiver_visibility", "show_real_name", "language", "time_zone",
    "allow_share_previews",
)


def _update(user: User, fields: tuple[str, ...], values: dict) -> User:
    changed = [name for name in fields if name in values and getattr(user, name) != values[name]]
    for name in changed:
        setattr(user, name, values[name])
    if changed:
        user.full_clean(exclude=[f.name for f in User._meta.fields if f.name not in changed])
        user.save(update_fields=changed)
    return user


def profile_update(*, user: User, **values) -> User:
    from .pseudonyms import validate_pseudonym

    if values.get("display_name"):
        try:
            values["display_name"] = validate_pseudonym(
                values["display_name"], clinician=permissions.is_verified_clinician(user),
                display=True, user=user,
            )
        except ValidationError as error:
            raise ValidationError({"display_name": error.error_list}) from error
    return _update(user, PROFILE_FIELDS, values)


def user_language_set(*, user: User, language: str) -> User:
    """The language the member chose with the footer's switcher becomes their own (Settings
    shows it); the cached row is dropped by the save."""
    return _update(user, ("language",), {"language": language})


def signup_source_set(*, user: User, source: str) -> User:
    """Where a new account came from (a campaign, a shared link, a search engine), for the
    insights dashboard; set once, at sign-up."""
    source = (source or "")[:User._meta.get_field("signup_source").max_length]
    User.objects.filter(pk=user.pk).update(signup_source=source)
    user.signup_source = source
    return user


# --- Data export -------------------------------------------------------------------------------


def _profile_data(user: User) -> dict:
    clinician = ClinicianProfile.objects.filter(user=user).first()
    return {
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "bio": user.bio,
        "bio_visibility": user.bio_visibility,
        "conditions": user.conditions,
        "conditions_visibility": user.conditions_visibility,
        "is_caregiver": user.is_caregiver,
        "caregiver_visibility": user.caregiver_visibility,
        "show_real_name": user.show_real_name,
        "allow_share_previews": user.allow_share_previews,
        "language": user.language,
        "time_zone": user.time_zone,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "signup_source": user.signup_source,
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user)
        ],
        "connected_accounts": [
            {"provider": a.provider, "uid": a.uid, "date_joined": a.date_joined}
            for a in SocialAccount.objects.filter(user=user)
        ],
        "clinician": None if clinician is None else {
            "credentials": clinician.credentials, "specialty": clinician.specialty,
            "organisation": clinician.organisation, "licence_state": clinician.licence_state,
            "npi": clinician.npi, "status": clinician.status,
            "created_at": clinician.created_at, "decided_at": clinician.decided_at,
        },
    }


def export_gather(*, user: User) -> dict:
    """The member's own data: their profile, then what each registered app holds about them."""
    data = {
        "format": "hearth-export/1",
        "generated_at": timezone.now(),
        "profile": _profile_data(user),
    }
    for name, exporter in sorted(registry.exporters().items()):
        data[name] = exporter(user)
    return data


def _export_storage():
    """Where archives are kept (settings.STORAGES["exports"]): MEDIA_ROOT on a shared volume,
    or an S3-compatible bucket, so that every web node serves what any worker built."""
    return storages["exports"]


def _export_name(file_name: str) -> str:
    return f"{EXPORT_DIR_NAME}/{file_name}"


def export_open(export: DataExport):
    """The archive, opened for reading, or None when it is not (or no longer) there."""
    if not export.file_name:
        return None
    storage = _export_storage()
    name = _export_name(export.file_name)
    if not storage.exists(name):
        return None
    return storage.open(name, "rb")


def data_export_request(*, user: User) -> DataExport:
    """Ask for an archive; a Celery task builds it. A request still in progress, or one
    built in the last ten minutes, is reused (asking again and again builds nothing more)."""
    if not user.is_authenticated:
        raise PermissionDenied
    recent = timezone.now() - timedelta(minutes=10)
    pending = DataExport.objects.filter(
        user=user, status__in=[DataExport.Status.PENDING, DataExport.Status.READY],
        created_at__gte=recent,
    ).order_by("-created_at").first()
    if pending is not None:
        return pending
    export = DataExport.objects.create(user=user)

    def enqueue():
        from .tasks import data_export_build as task

        try:
            task.delay(export.pk)
        except Exception:  # noqa: BLE001 - broker down: the sweep builds it later
            logger.warning("export %s not queued; the sweep will build it", export.pk)

    transaction.on_commit(enqueue, robust=True)
    return export


def data_export_build(*, export_id: int) -> DataExport | None:
    """Write the archive for one request. Idempotent: a ready export is left alone."""
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status == DataExport.Status.READY:
        return export
    data = export_gather(user=export.user)
    name = f"{secrets.token_urlsafe(24)}.json"
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode()
    storage = _export_storage()
    stored = storage.save(_export_name(name), ContentFile(payload))
    updated = DataExport.objects.filter(pk=export.pk, status=DataExport.Status.PENDING).update(
        status=DataExport.Status.READY, file_name=name, size=len(payload),
        finished_at=timezone.now(),
    )
    if not updated:  # built twice at once, or the account went away: keep one file
        storage.delete(stored)
    export.refresh_from_db()
    return export


def data_exports_sweep() -> int:
    """Build requests whose task was lost; delete archives older than a week."""
    stale = timezone.now() - timedelta(minutes=2)
    built = 0
    for export_id in DataExport.objects.filter(
        status=DataExport.Status.PENDING, created_at__lt=stale
    ).values_list("pk", flat=True)[:50]:
        data_export_build(export_id=export_id)
        built += 1
    expired = DataExport.objects.filter(
        created_at__lt=timezone.now() - timedelta(days=EXPORT_KEEP_DAYS)
    )
    for export in expired:
        _delete_export_file(export)
    expired.delete()
    return built


def _delete_export_file(export: DataExport) -> None:
    if export.file_name:
        _export_storage().delete(_export_name(export.file_name))


# --- Account deletion ----------------------------------------------------------------------------

REVOKE_URLS = {
    "twitter_oauth2": "https://api.x.com/2/oauth2/revoke",
}


def social_tokens_revoke(*, user: User) -> int:
    """Tell providers to forget the tokens we hold (best effort), then delete them."""
    from allauth.socialaccount.adapter import get_adapter

    tokens = list(SocialToken.objects.filter(account__user=user).select_related("account", "app"))
    for token in tokens:
        provider = token.account.provider
        try:
            with get_adapter().get_requests_session() as session:
                if provider == "facebook":
                    session.delete(
                        "https://graph.facebook.com/me/permissions",
                        params={"access_token": token.token}, timeout=5,
                    )
                elif provider in REVOKE_URLS and token.app is not None:
                    session.post(
                        REVOKE_URLS[provider],
                        data={"token": token.token, "token_type_hint": "access_token"},
                        auth=(token.app.client_id, token.app.secret), timeout=5,
                    )
        except Exception:  # noqa: BLE001 - never block an erasure on a provider
            logger.warning("revoking a %s token failed; it is deleted here anyway", provider)
    SocialToken.objects.filter(pk__in=[t.pk for t in tokens]).delete()
    return len(tokens)


def account_delete(*, user: User, keep_posts: bool, by_staff: User | None = None) -> None:
    """Erase the member: personal data, social tokens, sessions, exports; their posts are
    deleted or kept under "Former member" as chosen. The `account_deleted` signal, sent on
    commit (moderation records it in the audit log), carries the id only."""
    if by_staff is not None and not permissions.is_staff_member(by_staff):
        raise PermissionDenied
    user_id = user.pk
    social_tokens_revoke(user=user)
    exports = list(DataExport.objects.filter(user=user))
    with transaction.atomic():
        for _name, eraser in sorted(registry.erasers().items()):
            eraser(user, keep_posts=keep_posts)
        user_end_sessions(user=user)
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_id=str(user_id)
        ).delete()
        user.delete()
        transaction.on_commit(lambda: [_delete_export_file(e) for e in exports], robust=True)
        send_on_commit(signals.account_deleted, sender=User, user_id=user_id,
                       keep_posts=keep_posts,
                       by_staff_id=by_staff.pk if by_staff else None)


# --- Clinician verification ---------------------------------------------------------------------

CREDENTIALS = (
    ("MD", "MD"), ("DO", "DO"), ("NP", "NP"), ("PA", "PA"), ("RN", "RN"),
    ("PharmD", "PharmD"), ("RD", "RD"), ("CDCES", "CDCES"), ("LCSW", "LCSW"),
    ("PsyD", "PsyD"), ("PhD", "PhD (clinical)"), ("DPT", "DPT"),
)


def clinician_apply(
    *, user: User, credentials: str, specialty: str, organisation: str, npi: str,
    licence_state: str = "",
) -> ClinicianProfile:
    if not permissions.can_apply_as_clinician(user):
        raise PermissionDenied
    npi = (npi or "").strip()
    if not npi_valid(npi):
        raise ValidationError({"npi": _(
            "This is not a valid NPI: it must be 10 digits and pass the NPI check digit. "
            "Please check the number on your NPPES record.")})
    if credentials not in dict(CREDENTIALS):
        raise ValidationError({"credentials": _("Choose your credentials from the list.")})
    if ClinicianProfile.objects.filter(npi=npi).exclude(user=user).exclude(
        status__in=[ClinicianProfile.Status.REJECTED, ClinicianProfile.Status.REVOKED]
    ).exists():
        raise ValidationError({"npi": _(
            "This NPI is already registered with another account. Contact the Hearth team.")})
    with transaction.atomic():
        profile = ClinicianProfile.objects.select_for_update().filter(user=user).first()
        if profile is not None and profile.status == ClinicianProfile.Status.VERIFIED:
            raise ValidationError(_("You are already a verified clinician."))
        profile = profile or ClinicianProfile(user=user)
        profile.credentials = credentials
        profile.specialty = specialty.strip()
        profile.organisation = organisation.strip()
        profile.licence_state = licence_state
        profile.npi = npi
        profile.status = ClinicianProfile.Status.PENDING
        profile.created_at = timezone.now()
        profile.decided_at = None
        profile.decided_by = None
        profile.decision_reason = ""
        profile.save()
        send_on_commit(signals.clinician_applied, sender=User, profile=profile)
    return profile


def clinician_status_set(
    *, profile: ClinicianProfile, by: User, decision: str, reason: str = ""
) -> ClinicianProfile:
    """The status change of a staff decision (approve or reject an application, revoke a
    verification). Called only by `moderation.clinicians.clinician_decide`, inside its
    transaction, which checks who may decide and writes the audit row and the queue item."""
    allowed = {
        "approve": ({ClinicianProfile.Status.PENDING}, ClinicianProfile.Status.VERIFIED),
        "reject": ({ClinicianProfile.Status.PENDING}, ClinicianProfile.Status.REJECTED),
        "revoke": ({ClinicianProfile.Status.VERIFIED}, ClinicianProfile.Status.REVOKED),
    }
    if decision not in allowed:
        raise ValidationError(_("Unknown decision."))
    reason = (reason or "").strip()
    if decision in ("reject", "revoke") and not reason:
        raise ValidationError({"reason": _("Give a reason; the applicant will see it.")})
    from_states, to_state = allowed[decision]
    with transaction.atomic():
        profile = ClinicianProfile.objects.select_for_update().get(pk=profile.pk)
        if profile.status not in from_states:
            raise ValidationError(_("This application was already decided."))
        profile.status = to_state
        profile.decided_at = timezone.now()
        profile.decided_by = by
        profile.decision_reason = reason[:2000]
        profile.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    return profile


# --- Last seen, without a database write on a page view --------------------------------------
# A request records "the member is here" in Redis (LastSeenMiddleware, at most once per member
# every LAST_SEEN_EVERY seconds); `users_seen_flush`, run by Celery beat every minute, writes
# the times in batches. So `last_seen_at` (digests skip members seen since the last one;
# insights counts a member active on the day of their latest visit) is at most about six
# minutes behind. A lost Redis loses at most that much; with Redis down nothing is recorded
# (the next request tries again).

LAST_SEEN_EVERY = 300
_PREFIX = settings.CACHES["default"].get("KEY_PREFIX", "hearth")
SEEN_PENDING = f"{_PREFIX}:last-seen:pending"  # hash user id -> unix time
SEEN_FLUSHING = f"{_PREFIX}:last-seen:flushing"  # the batch being written (kept if one dies)
SEEN_BATCH = 500


def user_seen_record(*, user: User, now: datetime | None = None) -> bool:
    """Remember that the member was here `now` (one Redis round trip, no query). Returns
    whether it was recorded."""
    now = now or timezone.now()
    try:
        client().hset(SEEN_PENDING, str(user.pk), int(now.timestamp()))
    except Exception:  # noqa: BLE001 - Redis down: not recorded; the next request tries again
        logger.warning("last seen: Redis unavailable, not recorded")
        return False
    return True


def users_seen_flush() -> int:
    """Write the last-seen times recorded since the last flush, one UPDATE per batch of
    SEEN_BATCH members (5,000 members: 10 UPDATEs, about 130 ms of CPU); a time never moves
    back, and a batch that failed half way is written again. The members' cached rows are
    left alone: the request that recorded the time put it in the member's cached row already.
    Returns how many members."""
    seen = {int(user_id): datetime.fromtimestamp(int(stamp), tz=UTC)
            for user_id, stamp in batch_take(SEEN_PENDING, SEEN_FLUSHING).items()}
    if not seen:
        return 0
    items = sorted(seen.items())
    for start in range(0, len(items), SEEN_BATCH):
        _seen_write(items[start:start + SEEN_BATCH])
    client().delete(SEEN_FLUSHING)
    return len(seen)


def _seen_write(rows: list[tuple[int, datetime]]) -> None:
    """One UPDATE for the batch (members deleted meanwhile simply match nothing)."""
    table = User._meta.db_table
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    values = ", ".join(["(%s, %s)"] * len(rows))
    # Table and function names only are formatted in; the values are parameters.
    sql = (
        f"UPDATE {table} SET last_seen_at = "  # noqa: S608
        f"{greatest}(COALESCE({table}.last_seen_at, v.column2), v.column2) "
        f"FROM (VALUES {values}) AS v WHERE {table}.id = v.column1"
    )
    params = [value for pk, at in rows
              for value in (pk, connection.ops.adapt_datetimefield_value(at))]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
