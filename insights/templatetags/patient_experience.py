from django import template

from .. import patient_experience

register = template.Library()


@register.inclusion_tag("insights/_patient_experience.html")
def patient_experience_figures(selection, period):
    """The inbox's figures, for a whole-deployment view (staff) only."""
    from messaging.permissions import ask_is_open

    if selection.community_ids is not None or not ask_is_open():
        return {"show": False}
    return {"show": True, "pe": patient_experience.figures(period)}
