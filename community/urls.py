from django.urls import path

from . import sharing_views, views

app_name = "community"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("card.png", sharing_views.generic_card, name="generic_card"),
    path("c/<slug:slug>/", views.community_detail, name="community"),
    path("c/<slug:slug>/card.png", sharing_views.community_card, name="card"),
    path("c/<slug:slug>/join/", views.community_join, name="join"),
    path("c/<slug:slug>/leave/", views.community_leave, name="leave"),
    path("c/<slug:slug>/requests/", views.join_requests, name="requests"),
    path("c/<slug:slug>/level/", views.community_level, name="level"),
    path("c/<slug:slug>/new/", views.thread_new, name="thread_new"),
    path("c/<slug:slug>/draft/", views.community_draft_thread, name="thread_draft"),
    path("c/<slug:slug>/members/", views.mention_suggestions, name="mentions"),
    path("t/<int:pk>/", views.thread_detail, name="thread_short"),
    path("t/<int:pk>/reply/", views.thread_reply, name="reply"),
    path("t/<int:pk>/draft/", views.thread_draft_reply, name="reply_draft"),
    path("t/<int:pk>/follow/", views.thread_follow, name="follow"),
    path("t/<int:pk>/<slug:slug>/", views.thread_detail, name="thread"),
    path("p/<int:pk>/", views.post_permalink, name="post"),
    path("p/<int:pk>/edit/", views.post_edit, name="edit"),
    path("p/<int:pk>/delete/", views.post_delete, name="delete"),
    path("p/<int:pk>/react/", views.post_react, name="react"),
    path("p/<int:pk>/bookmark/", views.post_bookmark, name="bookmark"),
    path("p/<int:pk>/accept/", views.post_accept, name="accept"),
    path("p/<int:pk>/helped/", views.post_helped, name="helped"),
    path("preview/", views.preview, name="preview"),
    path("search/", views.search_view, name="search"),
    path("bookmarks/", views.bookmarks, name="bookmarks"),
    path("u/<str:username>/", views.profile, name="profile"),
    path("clinicians/queue/", views.clinician_queue, name="clinician_queue"),
]
