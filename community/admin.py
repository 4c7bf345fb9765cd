from django.contrib import admin

from . import live
from .markdown import render_markdown
from .models import Community, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "status", "level")
    raw_id_fields = ("user",)


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    """Staff create and edit communities here and assign moderators (role "moderator")."""

    list_display = ("name", "slug", "visibility", "allow_anonymous", "member_count")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "description", "guidelines", "color", "visibility",
              "allow_anonymous", "premoderate_posts", "premoderate_days", "slow_mode_seconds")
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        obj.guidelines_html = render_markdown(obj.guidelines)
        super().save_model(request, obj, form, change)
        if change and "visibility" in form.changed_data and obj.is_private:
            live.recheck_community_sockets_on_commit(community_id=obj.pk)
