from django.urls import path

from . import views

app_name = "learn"

urlpatterns = [
    path("c/<slug:slug>/learn/", views.library, name="library"),
    path("learn/new/", views.article_new, name="new"),
    path("learn/level/", views.level, name="level"),
    path("learn/<int:pk>/edit/", views.article_edit, name="edit"),
    path("learn/<int:pk>/translate/", views.article_translate, name="translate"),
    path("learn/<int:pk>/status/", views.article_status, name="status"),
    path("learn/<int:pk>/helpful/", views.article_helpful, name="helpful"),
    path("learn/<int:pk>/ask/", views.article_ask, name="ask"),
    path("learn/<int:pk>/<slug:slug>/", views.article_detail, name="article"),
    path("p/<int:pk>/read-more/", views.read_more, name="read_more"),
]
