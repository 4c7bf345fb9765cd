from django.urls import path

from . import pages

app_name = "api"

urlpatterns = [
    path("settings/api-tokens/", pages.tokens, name="tokens"),
    path("settings/api-tokens/<int:pk>/revoke/", pages.token_revoke, name="token_revoke"),
    path("webhooks/", pages.webhooks, name="webhooks"),
    path("webhooks/<int:pk>/", pages.webhook, name="webhook"),
    path("webhooks/<int:pk>/toggle/", pages.webhook_toggle, name="webhook_toggle"),
    path("webhooks/<int:pk>/delete/", pages.webhook_delete, name="webhook_delete"),
    path("webhooks/deliveries/<int:pk>/send-again/", pages.delivery_send_again,
         name="delivery_send_again"),
]
