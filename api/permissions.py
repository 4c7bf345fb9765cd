"""Who may hold tokens, manage webhooks, and what a token's scopes let it do. Reading and
writing the forum through the API asks community.permissions, like the pages."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.permissions import can_read_as_member, has_mfa, is_staff_member
from insights.permissions import can_view_insights

from .models import ApiToken, WebhookEndpoint


def can_manage_tokens(user) -> bool:
    return can_read_as_member(user)


def can_create_insights_token(user) -> bool:
    """Insights figures leave Hearth through such a token: only someone who may see them, and
    only after enrolling in MFA (staff and moderators)."""
    return can_manage_tokens(user) and can_view_insights(user) and has_mfa(user)


def token_may_read_insights(token: ApiToken) -> bool:
    """The MFA half of can_create_insights_token, checked on every use, not only when the
    token is made: a token whose owner has since removed MFA stops reading figures (which
    figures it reads is the insights page's rule, as for a session)."""
    return has_mfa(token.user)


def can_see_token(user, token: ApiToken) -> bool:
    return user.is_authenticated and token.user_id == user.pk


def tokens_visible_to(user):
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)


def can_manage_webhooks(user) -> bool:
    return is_staff_member(user)


def can_see_endpoint(user, endpoint: WebhookEndpoint) -> bool:
    return can_manage_webhooks(user)


def token_allows(token: ApiToken | None, scope: str) -> bool:
    """A browser session (no token) acts as the member does on the pages."""
    if token is None:
        return True
    return scope in token.scopes


class TokenScopes(BasePermission):
    """Reads need a token's `read` scope, writes its `write` scope; a view may ask for another
    (`required_scope`, e.g. insights). Who may see or do what is decided by the services."""

    def has_permission(self, request, view) -> bool:
        token = request.auth if isinstance(request.auth, ApiToken) else None
        scope = getattr(view, "required_scope", None)
        if scope is None:
            scope = ApiToken.Scope.READ if request.method in SAFE_METHODS else \
                ApiToken.Scope.WRITE
        if not token_allows(token, scope):
            self.message = f"This token does not have the {scope} scope."
            return False
        if token is not None and scope == ApiToken.Scope.INSIGHTS \
                and not token_may_read_insights(token):
            self.message = "This token's owner no longer has two-factor authentication."
            return False
        if getattr(view, "members_only", False) or request.method not in SAFE_METHODS:
            return bool(request.user and request.user.is_authenticated)
        return True
