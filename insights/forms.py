from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from community.models import Community

from .periods import MAX_DAYS, PRESETS, Period, today


class InsightsFilterForm(forms.Form):
    """Which figures: a period (7, 30, 90 days or custom dates) and a community or all."""

    period = forms.ChoiceField(
        label=_("Period"),
        choices=[(str(n), _("Last %(n)s days") % {"n": n}) for n in PRESETS]
        + [("custom", _("Custom dates"))],
        initial="30", required=False,
    )
    start = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To (included)"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    community = forms.ModelChoiceField(
        label=_("Community"), queryset=Community.objects.none(), required=False,
        empty_label=_("All communities"),
        error_messages={"invalid_choice": _("Choose one of the communities in the list.")},
    )

    def __init__(self, *args, community_ids: set[int] | None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = Community.objects.order_by("name")
        if community_ids is not None:
            queryset = queryset.filter(pk__in=community_ids)
            self.fields["community"].empty_label = _("All my communities")
        self.fields["community"].queryset = queryset

    def clean(self):
        data = super().clean()
        choice = data.get("period") or "30"
        data["period"] = choice
        if choice != "custom":
            data["range"] = Period.last_days(int(choice))
            return data
        start, end = data.get("start"), data.get("end")
        if start is None and "start" not in self.errors:
            self.add_error("start", _("Give the first day of the period."))
        if end is None and "end" not in self.errors:
            self.add_error("end", _("Give the last day of the period."))
        if start is None or end is None:
            return data
        if end > today():
            self.add_error("end", _("The last day can't be in the future."))
        elif start > end:
            self.add_error("start", _("The first day must be on or before the last day."))
        elif (end - start).days + 1 > MAX_DAYS:
            self.add_error("start", _("Choose a period of at most %(n)s days.") % {"n": MAX_DAYS})
        else:
            data["range"] = Period(start, end)
        return data
