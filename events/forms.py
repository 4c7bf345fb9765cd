from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import Event

User = get_user_model()


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class EventForm(forms.ModelForm):
    expert = forms.ModelChoiceField(label=_("Expert"), queryset=User.objects.filter(
        clinician__status="verified", is_active=True).order_by("username"))

    class Meta:
        model = Event
        fields = ["title", "expert", "starts_at", "ends_at", "description"]
        widgets = {
            "starts_at": DateTimeInput(format="%Y-%m-%dT%H:%M"),
            "ends_at": DateTimeInput(format="%Y-%m-%dT%H:%M"),
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {"starts_at": _("In your time zone.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].label_from_instance = lambda u: u.public_name


class QuestionForm(forms.Form):
    body = forms.CharField(label=_("Your question"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    anonymous = forms.BooleanField(label=_("Ask as Anonymous member"), required=False)

    def __init__(self, *args, allow_anonymous: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_anonymous:
            del self.fields["anonymous"]
