from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("settings/", views.settings_profile, name="settings"),
    # /settings/notifications/ (notifications and digests) belongs to the notifications app.
    path("settings/security/", views.settings_security, name="security"),
    path("settings/security/sign-out-everywhere/", views.sessions_end_all,
         name="sessions_end_all"),
    path("settings/data/", views.settings_data, name="data"),
    path("settings/data/export/", views.export_request, name="export"),
    path("settings/data/export/<int:pk>/download/", views.export_download,
         name="export_download"),
    path("settings/delete/", views.account_delete, name="delete"),
    path("clinicians/apply/", views.clinician_apply, name="clinician_apply"),
]
