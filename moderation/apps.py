from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"

    def ready(self):
        from . import receivers

        receivers.connect()
        receivers.connect_accounts()
        receivers.connect_live()
        receivers.connect_clinicians()
        receivers.connect_worker()
