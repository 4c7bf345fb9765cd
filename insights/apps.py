from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from allauth.account.signals import user_signed_up
        from django.contrib.auth.signals import user_logged_in

        from . import receivers

        user_signed_up.connect(
            receivers.save_signup_source, dispatch_uid="insights.save_signup_source"
        )
        from . import campaigns

        user_signed_up.connect(
            campaigns.visit_signed_up, dispatch_uid="insights.campaign_visit_signed_up"
        )
        user_logged_in.connect(
            receivers.remember_nav_on_login, dispatch_uid="insights.remember_nav_on_login"
        )
