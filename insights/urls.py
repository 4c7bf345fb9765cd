from django.urls import path

from . import campaign_views, views

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("data.json", views.data_json, name="data_json"),
    path("me/", views.my_impact, name="me"),
    path("campaigns/", campaign_views.campaigns, name="campaigns"),
    path("report/", views.report, name="report"),
    path("report/subscription/", views.report_subscription, name="report_subscription"),
]
