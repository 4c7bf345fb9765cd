from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import middleware, ratelimit, receivers

        receivers.connect()
        middleware.connect_receivers()  # the cached user and sessions follow their rows
        ratelimit.install()  # allauth's rate limits degrade when Redis is down
