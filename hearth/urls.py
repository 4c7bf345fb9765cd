from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from .health import healthz, live, ready
from .metrics import metrics

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("healthz/live", live, name="healthz_live"),
    path("healthz/ready", ready, name="healthz_ready"),
    path("metrics", metrics, name="metrics"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("insights/", include("insights.urls")),
    path("api/v1/", include("api.urls_v1")),
    # community first: its patterns are the most requested (thread pages) and none of them
    # matches another app's URL (each of its "c/", "p/" and "u/" routes ends in a fixed word or
    # its own id), so the others need not be tried before a thread page is found
    path("", include("community.urls")),
    path("", include("api.urls")),
    path("", include("messaging.urls")),
    path("", include("learn.urls")),
    path("", include("events.urls")),
    path("", include("mentors.urls")),
    path("", include("notifications.urls")),
    path("", include("accounts.urls")),
    path("", include("moderation.urls")),
]

# The admin is Hearth's too, with DEBUG on or off (the demo runs with it off).
admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = f"{settings.SITE_NAME} administration"
