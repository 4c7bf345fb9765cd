from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import ratelimit, receivers

        receivers.connect()
        ratelimit.install()  # allauth's rate limits degrade when Redis is down
