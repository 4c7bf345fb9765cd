"""Insights' few writes: a staff member's subscription to the monthly report email."""

from __future__ import annotations

from django.http import Http404

from accounts.models import User

from . import permissions
from .models import ReportSubscription


def report_subscription_set(*, user: User, subscribed: bool) -> bool:
    """Subscribe to the monthly report email, or stop it. Returns whether subscribed now."""
    if not permissions.can_subscribe_report(user):
        raise Http404
    if subscribed:
        ReportSubscription.objects.get_or_create(user=user)
    else:
        ReportSubscription.objects.filter(user=user).delete()
    return subscribed
