from django.apps import AppConfig


class MentorsConfig(AppConfig):
    name = "mentors"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from community.fragments import register_post_annotator
        from moderation.targets import register_target

        from . import selectors, services, targets

        register_post_annotator(selectors.annotate_posts)
        register_target("welcome", render=targets.render_welcome,
                        approve=services.welcome_release_item,
                        reject=services.welcome_reject_item)
