from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HearthConfig(AppConfig):
    """The project package as an app: its management commands (seed_demo) span all apps."""

    name = "hearth"
    verbose_name = "Hearth"

    def ready(self):
        from django.apps import apps

        # After django.contrib.sites has made its "example.com" row (its receiver was
        # connected first), name the site as Hearth is named and reached.
        post_migrate.connect(_name_the_site, sender=apps.get_app_config("sites"),
                             dispatch_uid="hearth.name_the_site")


def _name_the_site(using="default", **kwargs):
    """The Sites framework's row says SITE_NAME and BASE_URL's host, not example.com
    (libraries such as allauth fall back to it where no request is at hand)."""
    from django.conf import settings
    from django.contrib.sites.models import Site

    from .lib.emails import site_host

    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": site_host()[:100], "name": settings.SITE_NAME[:50]},
    )
