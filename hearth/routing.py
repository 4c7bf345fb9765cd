from django.urls import path

from community.routing import websocket_urlpatterns as community_ws
from events.routing import websocket_urlpatterns as events_ws

from .lib.consumers import MeConsumer

websocket_urlpatterns = [
    path("ws/me/", MeConsumer.as_asgi()),
    *community_ws,
    *events_ws,
]
