from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, WebhookEndpoint
from .services import TOKEN_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80,
                           help_text=_("What will use it, e.g. “Reporting sheet”."))
    scopes = forms.MultipleChoiceField(label=_("Scopes"), choices=ApiToken.Scope.choices,
                                       widget=forms.CheckboxSelectMultiple,
                                       initial=[ApiToken.Scope.READ])
    days = forms.TypedChoiceField(
        label=_("Expires after"), coerce=int, initial=90,
        choices=[(d, _("%(n)s days") % {"n": d}) for d in TOKEN_DAYS])


class EndpointForm(forms.Form):
    url = forms.CharField(label=_("Address (https)"), max_length=500)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(label=_("Events"), choices=WebhookEndpoint.Event.choices,
                                       widget=forms.CheckboxSelectMultiple)
