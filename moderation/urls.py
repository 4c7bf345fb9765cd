from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("moderation/", views.queue, name="queue"),
    path("moderation/count/", views.queue_count, name="count"),
    path("moderation/items/bulk/", views.bulk_action, name="bulk"),
    path("moderation/items/<int:pk>/<str:action>/", views.item_action, name="item"),
    path("moderation/posts/<int:pk>/<str:action>/", views.post_action, name="post"),
    path("moderation/threads/<int:pk>/move/", views.thread_move, name="thread_move"),
    path("moderation/threads/<int:pk>/<str:action>/", views.thread_action, name="thread"),
    path("moderation/members/<str:username>/", views.member, name="member"),
    path("moderation/audit/", views.audit, name="audit"),
    path("moderation/words/", views.words, name="words"),
    path("moderation/check/", views.check_text, name="check"),
    path("p/<int:pk>/flag/", views.flag, name="flag"),
    path("clinicians/review/", views.clinician_review_list, name="clinician_review_list"),
    path("clinicians/review/<int:pk>/", views.clinician_review, name="clinician_review"),
]
