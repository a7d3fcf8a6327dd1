from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.moderation.services import REMOVED


class RedactForm(forms.Form):
    replacement = forms.CharField(
        label=_("Replace it with"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Empty: “%(removed)s”.") % {"removed": REMOVED},
    )
    reason = forms.CharField(
        label=_("Why"),
        max_length=500,
        help_text=_("Kept for audit with the original; the public sees neither."),
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why"),
        max_length=500,
        help_text=_("Kept for audit; the public sees only that staff hid a photo."),
    )
