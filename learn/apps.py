from django.apps import AppConfig


class LearnConfig(AppConfig):
    name = "learn"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from community.fragments import register_post_annotator
        from community.search import register_search

        from . import selectors

        register_post_annotator(selectors.annotate_posts)
        register_search(selectors.search_articles, "learn/_search_results.html")
