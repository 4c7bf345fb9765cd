from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


def _welcome_notices(sender, request, user, **kwargs):
    """Signing in brings back the welcomes the member has not said they read."""
    from .services import welcome_notices_on_sign_in

    welcome_notices_on_sign_in(user=user)


class MentorsConfig(AppConfig):
    name = "mentors"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from community.fragments import register_post_annotator
        from moderation.targets import register_target

        from . import selectors, services, targets

        register_post_annotator(selectors.annotate_posts)
        user_logged_in.connect(_welcome_notices, dispatch_uid="mentors-welcome-notices")
        register_target("welcome", render=targets.render_welcome,
                        approve=services.welcome_release_item,
                        reject=services.welcome_reject_item)
