"""Forms of citizens' accounts."""

from django import forms
from django.utils.translation import gettext_lazy as _

from civicdesk.accounts.models import AlertChannel
from civicdesk.citizens.forms import clean_phone
from civicdesk.citizens.services.following import DEFAULT


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SignInLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class SignUpForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        required=False,
        max_length=150,
        help_text=_("Only staff handling your issues see it."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 8 characters, not only digits, not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class AlertChannelForm(forms.Form):
    alert_channel = forms.ChoiceField(
        label=_("How should we tell you when your issues change?"),
        choices=[
            (AlertChannel.EMAIL, _("By e-mail")),
            (AlertChannel.SMS, _("By SMS")),
            (AlertChannel.NONE, _("Do not send me alerts")),
        ],
        widget=forms.RadioSelect,
    )
    phone = forms.CharField(
        label=_("Mobile number for SMS"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone", ""))


class IssueChannelForm(forms.Form):
    """How alerts about one issue come: as the citizen's default, by e-mail, SMS or not."""

    channel = forms.ChoiceField(label=_("Alerts about this issue"))

    def __init__(self, *args, default: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        default_label = {
            AlertChannel.EMAIL: _("As my default (e-mail)"),
            AlertChannel.SMS: _("As my default (SMS)"),
        }.get(default, _("As my default (no alerts)"))
        self.fields["channel"].choices = [
            (DEFAULT, default_label),
            (AlertChannel.EMAIL, _("E-mail")),
            (AlertChannel.SMS, _("SMS")),
            (AlertChannel.NONE, _("No alerts")),
        ]


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand: my name, e-mail and phone number are erased for good."),
        required=True,
    )
