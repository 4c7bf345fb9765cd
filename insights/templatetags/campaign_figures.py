"""{% campaign_figures selection as campaign_data %}: the dashboard's campaign table, for the
communities and the period the viewer chose (campaigns pointing at no community, such as
library-wide articles, are counted for staff only)."""

from django import template

from .. import campaigns

register = template.Library()


@register.simple_tag
def campaign_figures(selection):
    period = getattr(selection, "period", None)
    if period is None:
        return None
    data = campaigns.figures(community_ids=selection.community_ids, start=period.start,
                             end=period.end)
    return {"campaigns": [campaigns.suppressed(r) for r in data["campaigns"]],
            "shares": [campaigns.suppressed(r) for r in data["shares"]],
            "windows": campaigns.WINDOWS}
