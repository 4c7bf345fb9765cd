from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Thread
from .services import BODY_MAX, TITLE_MAX


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX, strip=True)
    body = forms.CharField(
        label=_("Your post"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("You can use Markdown. Please leave out names, phone numbers and other "
                    "details that could identify you."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Thread.Kind.choices, initial=Thread.Kind.DISCUSSION,
        widget=forms.RadioSelect,
    )
    anonymous = forms.BooleanField(label=_("Post as Anonymous member"), required=False)

    def __init__(self, *args, allow_anonymous: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_anonymous:
            del self.fields["anonymous"]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    anonymous = forms.BooleanField(label=_("Reply as Anonymous member"), required=False)

    def __init__(self, *args, allow_anonymous: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_anonymous:
            del self.fields["anonymous"]


class EditForm(forms.Form):
    body = forms.CharField(
        label=_("Edit your post"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 8})
    )
