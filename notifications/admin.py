from django.contrib import admin

from .models import DigestClick, DigestRun, Notification, NotificationSettings, Outbox


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    # No body, address or headers in the list: they hold personal data and signed tokens.
    list_display = ["pk", "kind", "recipient_id", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["kind", "status"]
    fields = ["kind", "status", "attempts", "last_error", "created_at", "sent_at",
              "next_attempt_at"]
    readonly_fields = fields


@admin.register(DigestRun)
class DigestRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "user_id", "frequency", "period", "status", "created_at"]
    list_filter = ["frequency", "status"]
    raw_id_fields = ["user", "outbox"]


admin.site.register(Notification, list_display=["pk", "kind", "recipient_id", "read_at",
                                                "created_at"], raw_id_fields=["recipient",
                                                "actor", "thread", "post"])
admin.site.register(NotificationSettings, list_display=["user_id", "digest_frequency",
                                                        "last_digest_at"],
                    raw_id_fields=["user"])
admin.site.register(DigestClick, list_display=["pk", "thread_id", "user_id", "created_at"],
                    raw_id_fields=["user", "thread", "outbox"])
