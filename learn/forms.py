from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from community import permissions as forum
from community.models import Community

from .models import Article

User = get_user_model()


class DateInput(forms.DateInput):
    input_type = "date"


class ArticleForm(forms.ModelForm):
    community = forms.ModelChoiceField(
        label=_("Community"), queryset=Community.objects.none(), required=False,
        empty_label=_("Every community"))
    reviewer = forms.ModelChoiceField(
        label=_("Reviewer"), queryset=User.objects.none(), required=False,
        empty_label=_("Not reviewed yet"))

    class Meta:
        model = Article
        fields = ["community", "language", "title", "summary", "body", "sources",
                  "credentials", "reviewer", "last_reviewed_on", "next_review_on"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 16}),
            "sources": forms.Textarea(attrs={"rows": 4}),
            "last_reviewed_on": DateInput(format="%Y-%m-%d"),
            "next_review_on": DateInput(format="%Y-%m-%d"),
        }
        help_texts = {"body": _("Markdown, like posts. Short sentences and everyday words "
                                "keep the reading level down.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = forum.communities_visible_to(user)
        self.fields["reviewer"].queryset = User.objects.filter(
            Q(is_staff=True) | Q(clinician__status="verified"), is_active=True,
        ).exclude(pk=user.pk).order_by("username")
        self.fields["reviewer"].label_from_instance = lambda u: u.public_name


class AskForm(forms.Form):
    title = forms.CharField(label=_("Your question"), max_length=200)
    body = forms.CharField(label=_("More detail"), max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 6}))
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.none())

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
