from django.utils.functional import SimpleLazyObject

from .permissions import insights_nav_target


def insights(request):
    """`insights_nav`: "dashboard", "impact" or None; evaluated (one query at most) only when
    a template asks."""
    user = getattr(request, "user", None)
    if user is None:
        return {"insights_nav": None}
    return {"insights_nav": SimpleLazyObject(lambda: insights_nav_target(user) or "")}
