"""Personal access tokens: `Authorization: Bearer hearth_pat_...`. The browser session
(rest_framework's SessionAuthentication, with its CSRF check) serves Hearth's own pages."""

from __future__ import annotations

from rest_framework import authentication, exceptions

from . import services


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header.")
        try:
            raw = header[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed("Invalid token header.") from error
        token = services.token_authenticate(raw=raw)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword
