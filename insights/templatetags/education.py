from django import template

from .. import education

register = template.Library()


@register.inclusion_tag("insights/_education.html")
def education_figures(selection, period):
    """Library, events and mentors in the period, beside the previous one (issue 19)."""
    if period is None:
        return {"rows": []}
    return {"rows": education.figures(community_ids=selection.community_ids, period=period),
            "period": period, "previous": period.previous(),
            "fewer_than": education.fewer_than()}
