from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.export import register_eraser, register_exporter
        from community.permissions import register_blocks

        from . import live, permissions, services, targets

        register_blocks(permissions.blockers_among, permissions.blocked_among)

        register_exporter("conversations", services.export_conversations)
        register_exporter("requests_to_the_hospital", services.export_requests)
        register_eraser("messaging", services.erase_member)
        live.register()
        targets.register()
