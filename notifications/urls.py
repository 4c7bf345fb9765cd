from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/read-all/", views.mark_all_read, name="mark_all_read"),
    path("notifications/<int:pk>/", views.notification_open, name="open"),
    path("settings/notifications/", views.notification_settings, name="settings"),
    path("email/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("email/c/<str:token>/", views.click, name="click"),
    path("email/checkin/<str:token>/<str:answer>/", views.checkin, name="checkin"),
]
