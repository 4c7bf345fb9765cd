from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Communities"

    def ready(self):
        from . import exporters

        exporters.register()
