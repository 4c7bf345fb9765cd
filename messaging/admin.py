from django.contrib import admin

from .models import CommunityMessaging


@admin.register(CommunityMessaging)
class CommunityMessagingAdmin(admin.ModelAdmin):
    list_display = ("community", "allow_clinicians", "min_days", "min_posts")
