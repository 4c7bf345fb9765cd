"""How drf-spectacular describes Hearth's token authentication and problem details."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "personalAccessToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "A personal access token made in Settings → API tokens."}


Problem = inline_serializer("Problem", fields={
    "type": serializers.CharField(),
    "title": serializers.CharField(),
    "status": serializers.IntegerField(),
    "detail": serializers.CharField(required=False),
    "errors": serializers.DictField(required=False),
})
