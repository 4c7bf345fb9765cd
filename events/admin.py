from django.contrib import admin

from .models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "community", "expert", "starts_at", "status")
    raw_id_fields = ("expert", "created_by")
