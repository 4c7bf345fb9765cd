from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self):
        from . import digests, immediate, outbox, receivers, tasks
        from .models import Outbox

        receivers.connect()
        # The outbox is generic: what each kind checks again just before it is sent, and
        # the task that sends, are given to it here (it imports neither).
        outbox.register_recheck(Outbox.Kind.DIGEST, digests.recheck_reasons)
        outbox.register_recheck([Outbox.Kind.REPLY, Outbox.Kind.MENTION],
                                immediate.recheck_at_send)
        outbox.register_renderer([Outbox.Kind.REPLY, Outbox.Kind.MENTION],
                                 immediate.render_at_send)
        outbox.set_send_task(tasks.outbox_send_batch)
