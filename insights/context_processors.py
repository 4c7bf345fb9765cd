from django.utils.functional import SimpleLazyObject

from .permissions import insights_nav_target

SESSION_KEY = "insights_nav"


def remember_nav(request, user) -> None:
    """At login (and on each insights page): whether the nav shows "Insights", and where to."""
    session = getattr(request, "session", None)
    if session is not None:
        target = insights_nav_target(user) or ""
        if session.get(SESSION_KEY) != target:
            session[SESSION_KEY] = target


def insights(request):
    """`insights_nav`: "dashboard", "impact" or "". Read from the session, where login put it
    (no query); for a session from before that, one query, only when a template asks."""
    user = getattr(request, "user", None)
    if user is None:
        return {"insights_nav": ""}

    def target() -> str:
        if not user.is_authenticated:
            return ""
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            return session[SESSION_KEY]
        return insights_nav_target(user) or ""

    return {"insights_nav": SimpleLazyObject(target)}
