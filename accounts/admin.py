from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ClinicianProfile, User


@admin.register(User)
class HearthUserAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Hearth", {"fields": ("display_name", "bio", "is_caregiver", "suspended_until",
                               "banned_at", "signup_source")}),
    )


@admin.register(ClinicianProfile)
class ClinicianProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "credentials", "specialty", "organisation", "status")
    list_filter = ("status",)
