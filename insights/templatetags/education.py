from django import template

from .. import education

register = template.Library()


@register.inclusion_tag("insights/_impact_education.html")
def education_impact(user, recent):
    """On a person's impact page: what their articles, events and welcomes did, over the same
    windows as the page (the last 30 days, the 30 before, and since they joined)."""
    from datetime import date

    from ..periods import Period

    windows = {"cur": recent, "prev": recent.previous(),
               "all": Period(date(2000, 1, 1), recent.last_day)}
    return {"sections": education.impact(user, windows), "recent": recent}
