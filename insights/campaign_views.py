"""/insights/campaigns/: staff make campaign links and read what each brought back."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import campaigns as service
from . import permissions
from .campaign_models import Campaign


class CampaignForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Campaign name"), max_length=80,
                           help_text=gettext_lazy("For example: spring-diabetes-week."))
    address = forms.CharField(
        label=gettext_lazy("Page to link to"), max_length=300,
        help_text=gettext_lazy("The address of a public community, article or event on this "
                               "site, for example /c/type-2-diabetes/."))
    source = forms.ChoiceField(label=gettext_lazy("Where you will post it"),
                               choices=Campaign.Source.choices)


def campaigns(request):
    if not permissions.can_manage_campaigns(request.user):
        raise Http404
    form = CampaignForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                campaign = service.campaign_create(created_by=request.user,
                                                   **form.cleaned_data)
            except ValidationError as error:
                form.add_error("address" if not hasattr(error, "error_dict") else None, error)
            else:
                messages.success(request, _("Campaign link made: %(name)s.")
                                 % {"name": campaign.name})
                return redirect("insights:campaigns")
        status = 400
    items = list(Campaign.objects.all()[:200])
    counts = service.figures_for_campaigns(items)
    rows = [{"campaign": c, "link": service.campaign_link(c),
             **service.suppressed(counts.get(c.pk, {}))} for c in items]
    shares = [service.suppressed(row) for row in service.figures(community_ids=None)["shares"]]
    return render(request, "insights/campaigns.html",
                  {"form": form, "rows": rows, "shares": shares, "windows": service.WINDOWS},
                  status=status)
