from django.contrib import admin

from .models import MentorApplication


@admin.register(MentorApplication)
class MentorApplicationAdmin(admin.ModelAdmin):
    list_display = ("user", "community", "status", "created_at")
    raw_id_fields = ("user", "decided_by")
