from django.urls import path

from .consumers import ThreadConsumer

websocket_urlpatterns = [
    path("ws/t/<int:thread_id>/", ThreadConsumer.as_asgi()),
]
