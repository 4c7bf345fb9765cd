from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("c/<slug:slug>/events/", views.event_list, name="list"),
    path("c/<slug:slug>/events/new/", views.event_new, name="new"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/edit/", views.event_edit, name="edit"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="cancel"),
    path("events/<int:pk>/event.ics", views.event_ics, name="ics"),
    path("events/<int:pk>/register/", views.event_register, name="register"),
    path("events/<int:pk>/ask/", views.question_ask, name="ask"),
    path("events/q/<int:pk>/vote/", views.question_vote, name="vote"),
    path("events/q/<int:pk>/answer/", views.question_answer, name="answer"),
    path("events/q/<int:pk>/moderate/", views.question_moderate, name="moderate"),
]
