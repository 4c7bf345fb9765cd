from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from community.search import register_search
        from notifications.emails import register_attachment

        from . import selectors, services, targets

        targets.register()
        register_search(selectors.search_questions, "events/_search_results.html")
        register_attachment("events:reminder:", services.ics_attachment)
