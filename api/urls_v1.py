"""/api/v1/: the REST API, its OpenAPI 3 schema and its documentation."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from . import views
from .docs import SwaggerView

app_name = "api_v1"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(), name="docs"),
    path("communities/", views.CommunityList.as_view(), name="communities"),
    path("communities/<str:slug>/", views.CommunityDetail.as_view(), name="community"),
    path("threads/", views.ThreadList.as_view(), name="threads"),
    path("threads/<int:pk>/", views.ThreadDetail.as_view(), name="thread"),
    path("threads/<int:pk>/posts/", views.ThreadPosts.as_view(), name="thread_posts"),
    path("threads/<int:pk>/follow/", views.ThreadFollow.as_view(), name="thread_follow"),
    path("posts/", views.PostList.as_view(), name="posts"),
    path("posts/<int:pk>/", views.PostDetail.as_view(), name="post"),
    path("posts/<int:pk>/reactions/", views.PostReactions.as_view(), name="post_reactions"),
    path("search/", views.Search.as_view(), name="search"),
    path("me/", views.Me.as_view(), name="me"),
    path("me/notifications/", views.Notifications.as_view(), name="notifications"),
    path("me/notifications/read/", views.NotificationsRead.as_view(),
         name="notifications_read"),
    path("me/notifications/<int:pk>/read/", views.NotificationRead.as_view(),
         name="notification_read"),
    path("insights/", views.Insights.as_view(), name="insights"),
    # Anything else under /api/v1/ is a problem-details 404, not the HTML page.
    re_path(r"^.*$", views.NotFound.as_view(), name="not_found"),
]
