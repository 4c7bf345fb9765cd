from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NotificationSettings


class NotificationSettingsForm(forms.ModelForm):
    """Digests and immediate emails. The accounts engineer includes it on /settings/ with
    `NotificationSettingsForm(instance=notifications.services.settings_for(user), prefix=...)`
    and saves it with `form.save()`; /settings/notifications/ serves it alone."""

    class Meta:
        model = NotificationSettings
        fields = ["digest_frequency", "email_replies", "email_mentions", "follow_on_reply"]
        labels = {
            "digest_frequency": _("Email digest of what you missed"),
            "email_replies": _("Email me when someone replies to my posts or in discussions "
                               "I follow"),
            "email_mentions": _("Email me when someone mentions me (@name)"),
            "follow_on_reply": _("Follow discussions I reply to"),
        }
        help_texts = {
            "digest_frequency": _("Sent in the morning, only if you haven't visited since the "
                                  "last one and something new happened."),
            "email_replies": _("At most one email per discussion every 15 minutes."),
            "follow_on_reply": _("You hear about new replies in them; you can stop following "
                                 "any discussion from its page."),
        }
        widgets = {"digest_frequency": forms.RadioSelect}
