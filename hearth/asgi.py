"""ASGI entry point: Django over HTTP, Channels consumers over WebSocket."""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402 - needs Django set up first
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from .middleware import SameOriginWebSocket, csp_on_every_response  # noqa: E402
from .routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": csp_on_every_response(django_asgi_app),
        "websocket": SameOriginWebSocket(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

# The crisis model loads now, once per server process, not during someone's first post.
from moderation.screening.model import load as load_screening_model  # noqa: E402

load_screening_model()

# Everything loaded so far (Django, the apps, their modules) lives as long as the process:
# keep it out of the garbage collector's full passes. With a thousand open sockets a full
# pass over all of it paused a worker for 100-200 ms on a 2-core machine (bench/bench_live.py).
gc.collect()
gc.freeze()
