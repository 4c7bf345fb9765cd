from django.contrib import admin

from .models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "language", "community", "author", "status", "next_review_on")
    list_filter = ("status", "language")
    raw_id_fields = ("author", "reviewer", "translation")
    readonly_fields = ("body_html", "reading_level", "helpful_yes", "helpful_no", "view_count")
