from django.apps import AppConfig


class HearthConfig(AppConfig):
    """The project package as an app: its management commands (seed_demo) span all apps."""

    name = "hearth"
    verbose_name = "Hearth"
