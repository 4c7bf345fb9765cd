from __future__ import annotations

import zoneinfo
from functools import cache

from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.socialaccount.forms import SignupForm as AllauthSocialSignupForm
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import User
from .npi import npi_valid
from .pseudonyms import generate_pseudonym
from .services import CREDENTIALS

PSEUDONYM_HELP = _(
    "Shown with everything you post. Keep the suggestion or pick your own; don't use your real "
    "name or email. 3–30 letters, digits, dots, dashes or underscores."
)

US_STATES = [
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN",
    "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH",
    "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
    "VT", "VA", "WA", "WV", "WI", "WY", "PR", "GU", "VI",
]

def _time_zone_field(form: forms.Form) -> None:
    """The browser fills it in (static/js/hearth.js), so that event times, digests' morning
    and dates are in the new member's own time zone from the first page; without script it
    stays empty and the deployment's default applies (Settings change it)."""
    form.fields["time_zone"] = forms.CharField(
        required=False, max_length=64,
        widget=forms.HiddenInput(attrs={"data-detect-time-zone": ""}))


def clean_time_zone(value: str) -> str:
    """A time zone the member may pick in Settings, or "" (anything else is dropped: the
    field is filled by the browser, so a bad value is not the member's mistake)."""
    return value if value in dict(_time_zones()) else ""


def _pseudonym_field(form: forms.Form) -> None:
    field = form.fields.get("username")
    if field is None:
        return
    field.label = _("Pseudonym")
    field.help_text = PSEUDONYM_HELP
    field.widget.attrs["autocomplete"] = "off"
    if not form.is_bound and not form.initial.get("username"):
        form.initial["username"] = generate_pseudonym()

class SignupForm(AllauthSignupForm):
    """allauth's email sign-up, with the username presented as a pseudonym."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _pseudonym_field(self)
        _time_zone_field(self)

class SocialSignupForm(AllauthSocialSignupForm):
    """After X or Facebook: pick a pseudonym, and give (X) or confirm (Facebook) an email,
    which Hearth then verifies."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _pseudonym_field(self)
        _time_zone_field(self)
        if "email" in self.fields:
            self.fields["email"].help_text = _(
                "We send a link to confirm it. It is never shown to other members."
            )

@cache
def _time_zones() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())
            if "/" in name or name == "UTC"]

class ProfileForm(forms.ModelForm):
    language = forms.ChoiceField(label=_("Language"), required=False)
    time_zone = forms.ChoiceField(label=_("Time zone"))

    class Meta:
        model = User
        fields = [
            "display_name", "bio", "bio_visibility", "conditions", "conditions_visibility",
            "is_caregiver", "caregiver_visibility", "show_real_name", "language", "time_zone",
            "allow_share_previews",
        ]
        labels = {
            "bio_visibility": _("Who can see your bio"),
            "conditions_visibility": _("Who can see what you care about"),
            "caregiver_visibility": _("Who can see that you're a caregiver"),
            "show_real_name": _("Show the real name on my account on my profile"),
        }
        help_texts = {
            "display_name": _("Optional. Shown next to your pseudonym."),
            "bio": _("A few words about you, up to 500 characters."),
            "conditions": _("For example: type 2 diabetes, caring for my dad."),
            "allow_share_previews": _(
                "When someone shares a public discussion you started on X, Facebook or by "
                "email, the link shows its title and first lines. Off: only a link to the "
                "page, with no title or text."
            ),
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 4, "maxlength": 500})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Browser default")), *settings.LANGUAGES]
        self.fields["time_zone"].choices = _time_zones()

class DeleteAccountForm(forms.Form):
    posts = forms.ChoiceField(
        label=_("Your posts"),
        choices=[
            ("keep", _("Keep them, shown as by “Former member”")),
            ("delete", _("Delete them")),
        ],
        widget=forms.RadioSelect,
        initial="keep",
    )
    confirm = forms.CharField(
        label=_("Type your pseudonym to confirm"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip()
        if value.lower() != self.user.username.lower():
            raise forms.ValidationError(_("That is not your pseudonym."))
        return value

class ClinicianApplyForm(forms.Form):
    credentials = forms.ChoiceField(label=_("Credentials"), choices=CREDENTIALS)
    specialty = forms.CharField(label=_("Specialty"), max_length=80,
                                help_text=_("For example: Cardiology, Endocrinology."))
    organisation = forms.CharField(label=_("Organisation"), max_length=120)
    licence_state = forms.ChoiceField(
        label=_("Licence state"), choices=[("", "—")] + [(s, s) for s in US_STATES],
        required=False,
    )
    npi = forms.CharField(
        label=_("NPI"), max_length=10, min_length=10,
        help_text=_("Your 10-digit National Provider Identifier."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_npi(self) -> str:
        npi = self.cleaned_data["npi"].strip()
        if not npi_valid(npi):
            raise forms.ValidationError(_(
                "This is not a valid NPI: it must be 10 digits and pass the NPI check digit. "
                "Please check the number on your NPPES record."))
        return npi
