from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("messages/", views.conversation_list, name="list"),
    path("messages/new/", views.conversation_new, name="new"),
    path("messages/settings/", views.message_settings, name="settings"),
    path("messages/<int:pk>/", views.conversation_detail, name="conversation"),
    path("messages/<int:pk>/send/", views.message_send, name="send"),
    path("messages/<int:pk>/after/<int:after>/", views.messages_after, name="after"),
    path("messages/m/<int:pk>/report/", views.message_report, name="report"),
    path("messages/block/<str:username>/", views.member_block, name="block"),
    path("messages/follow/<str:username>/", views.member_follow, name="follow"),
    path("ask/", views.ask, name="ask"),
    path("ask/inbox/", views.ask_inbox, name="ask_inbox"),
    path("ask/inbox/<int:pk>/", views.ask_work, name="ask_work"),
    path("ask/inbox/<int:pk>/<str:action>/", views.ask_action, name="ask_action"),
    path("ask/<int:pk>/", views.ask_detail, name="ask_detail"),
    path("ask/<int:pk>/rate/", views.ask_rate, name="ask_rate"),
]
