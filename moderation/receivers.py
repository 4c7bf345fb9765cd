import logging

from community.signals import post_submitted

logger = logging.getLogger(__name__)


def enqueue_screening(sender, post, **kwargs):
    from .tasks import post_screen

    try:
        post_screen.delay(post.pk)
    except Exception:  # noqa: BLE001 - the broker is down: the sweep screens it later
        logger.warning("screening of post %s not queued; the sweep will pick it up", post.pk)


def connect() -> None:
    post_submitted.connect(enqueue_screening, dispatch_uid="moderation.enqueue_screening")


# --- Accounts: the audit row of an erasure (sent on commit) --------------------------------


def audit_account_deleted(sender, user_id, keep_posts, by_staff_id=None, **kwargs):
    from .audit import audit_account_erased

    audit_account_erased(user_id=user_id, keep_posts=keep_posts, by_staff_id=by_staff_id)


def connect_accounts() -> None:
    from accounts.signals import account_deleted

    account_deleted.connect(audit_account_deleted, dispatch_uid="moderation.audit_account_deleted")


# --- Crisis resources at once, and the review queue on /ws/me/ -------------------------------


def crisis_resources_for_author(sender, post, **kwargs):
    """The author of a post with crisis language sees crisis resources on the next page, at
    once (screening in Celery escalates it to staff; this part must not wait for a worker);
    where the crisis model is unsure, a gentler support note with the same resources. The
    screening done here is kept, so the task does not screen the same words again."""
    from hearth.lib.notices import notice_add

    from .screening import ESCALATE, REVIEW, post_text, screen

    if not post.author_id:
        return
    outcome = screen(post_text(post.thread.title if post.is_first else "", post.body)
                     ).crisis_outcome
    if outcome == ESCALATE:
        notice_add(user_id=post.author_id, template="moderation/_crisis_resources.html")
    elif outcome == REVIEW:
        notice_add(user_id=post.author_id, template="moderation/_support_note.html")


def queue_count(user, event):
    from .live import open_count

    return {"type": "queue", "open": open_count(user), "crisis": event.get("crisis", False)}


def connect_live() -> None:
    from hearth.lib.live import register_me_socket

    from .live import groups_for

    post_submitted.connect(crisis_resources_for_author,
                           dispatch_uid="moderation.crisis_resources_for_author")
    register_me_socket(groups=groups_for, handlers={"queue.changed": queue_count})


# --- Clinician applications in the review queue -------------------------------------------


def queue_clinician_application(sender, profile, **kwargs):
    from .clinicians import clinician_application_queue

    clinician_application_queue(profile=profile)


def connect_clinicians() -> None:
    from accounts.signals import clinician_applied

    clinician_applied.connect(queue_clinician_application,
                              dispatch_uid="moderation.queue_clinician_application")


# --- The crisis model loads when a Celery worker starts --------------------------------------


def load_screening_model(**kwargs):
    """Before the pool forks, so its processes share the loaded weights."""
    from .screening.model import load

    load()


def connect_worker() -> None:
    from celery.signals import worker_init

    worker_init.connect(load_screening_model, dispatch_uid="moderation.load_screening_model",
                        weak=False)
