from django import forms
from django.utils.translation import gettext_lazy as _

from community.models import Community

from .models import Flag, ModerationItem, WatchedWord


class QueueFilterForm(forms.Form):
    community = forms.ModelChoiceField(
        label=_("Community"), queryset=Community.objects.none(), required=False,
        to_field_name="slug", empty_label=_("All my communities"))
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All kinds")), *ModerationItem.Kind.choices])

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if communities is not None:
            self.fields["community"].queryset = communities


class FlagForm(forms.Form):
    reason = forms.ChoiceField(label=_("What's wrong?"), choices=Flag.Reason.choices,
                               widget=forms.RadioSelect)
    note = forms.CharField(label=_("Anything a moderator should know (optional)"),
                           max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class WordCommunityMixin:
    """Where a word applies: one of the member's communities, or (staff) every community."""

    def _community_field(self, communities, *, every: bool) -> forms.ModelChoiceField:
        return forms.ModelChoiceField(
            label=_("Community"), queryset=communities, to_field_name="slug",
            required=not every, empty_label=_("Every community") if every else None)


class WatchedWordForm(WordCommunityMixin, forms.Form):
    pattern = forms.CharField(label=_("Word or pattern"), max_length=200)
    is_regex = forms.BooleanField(label=_("This is a regular expression"), required=False)
    action = forms.ChoiceField(label=_("What to do"), choices=WatchedWord.Action.choices)
    replacement = forms.CharField(label=_("Replace with"), max_length=100, required=False)

    def __init__(self, *args, communities=None, every=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"] = self._community_field(
            Community.objects.all() if communities is None else communities, every=every)


class WordTestForm(forms.Form):
    text = forms.CharField(label=_("Try a sentence"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class WordImportForm(WordCommunityMixin, forms.Form):
    file = forms.FileField(label=_("CSV file"))

    def __init__(self, *args, communities=None, every=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"] = self._community_field(
            Community.objects.all() if communities is None else communities, every=every)


class SuspendForm(forms.Form):
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=365, initial=7)
    reason = forms.CharField(label=_("Reason (the member sees it)"), max_length=500)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Private note"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action"), max_length=60, required=False)
    actor = forms.CharField(label=_("Who"), max_length=60, required=False)
    since = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))


class ClinicianDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject")),
                                          ("revoke", _("Revoke"))])
    reason = forms.CharField(label=_("Reason (the applicant sees it)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
