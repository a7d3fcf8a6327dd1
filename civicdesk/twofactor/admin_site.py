"""The Django admin asks for the code of users with a device (django-otp's OTPAdminSite
would also lock out every admin without one). With STAFF_REQUIRE_TWO_FACTOR, users without
a device enrol in the back office first."""

from django import forms
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from civicdesk.twofactor import gate, services


class CodeAdminAuthenticationForm(AdminAuthenticationForm):
    otp_token = forms.CharField(
        label=_("Code (users with two-factor sign-in)"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        user = self.get_user()
        if user is not None and services.has_device(user):
            code = cleaned.get("otp_token", "")
            if not code:
                raise ValidationError(_("Type the code of your authenticator app."), "code")
            try:
                # django-otp's user_logged_in receiver marks the session as verified.
                user.otp_device = services.verify_code(user, code)
            except ValidationError as exc:
                raise ValidationError(exc.messages[0], "code") from exc
        return cleaned


class TwoFactorAdminSite(AdminSite):
    login_form = CodeAdminAuthenticationForm
    login_template = "twofactor/admin_login.html"

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if gate.missing_step(request) == gate.ENROL:
            return redirect("backoffice:two-factor")
        return super().login(request, extra_context)

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and gate.missing_step(request) is None
