"""Staff sign-in in two steps (password, then a code for users with a device) and the
page where staff set up their authenticator app and backup codes."""

import time

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from civicdesk.accounts.models import User
from civicdesk.throttling import limits
from civicdesk.throttling.responses import too_many_page
from civicdesk.throttling.sign_in import sign_in_keys
from civicdesk.twofactor import gate, services
from civicdesk.twofactor.forms import CodeForm, EnrolmentForm
from civicdesk.units.access import scope_of

# Between the password and the code: who signs in, how, where to, since when, wrong codes.
PENDING = "twofactor_pending"
PENDING_SECONDS = 300
# Wrong codes allowed per password; then the password is asked again (django-otp also
# makes each device wait longer after every failure).
MAX_FAILURES = 5
# Wrong codes of a session that is signed in but has not given its code yet.
FAILURES = "twofactor_failures"
HOME = reverse_lazy("backoffice:home")


class StaffSignInView(LoginView):
    """The password step. Users without a device are signed in at once; for the others the
    session only remembers who is on the way, and the code step signs them in."""

    template_name = "backoffice/sign_in.html"
    redirect_authenticated_user = True
    next_page = HOME

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if not services.has_device(user):
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "since": time.time(),
            "failures": 0,
        }
        return redirect("backoffice:sign-in-code")


def _safe_next(request: HttpRequest, wanted: str) -> str:
    if wanted and url_has_allowed_host_and_scheme(
        wanted, {request.get_host()}, request.is_secure()
    ):
        return wanted
    return str(HOME)


def _pending_user(request: HttpRequest) -> User | None:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["since"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    return User.objects.filter(pk=pending["user"], is_active=True).first()


@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The code step: after the password step, or for a session opened elsewhere (the
    citizens' sign-in) by a user with a device who now wants a staff page."""
    signed_in = request.user.is_authenticated
    if signed_in:
        if gate.missing_step(request) != gate.CODE:
            return redirect(_safe_next(request, request.GET.get("next", "")))
        user, next_url = request.user, _safe_next(request, request.GET.get("next", ""))
    else:
        user = _pending_user(request)
        if user is None:
            messages.info(request, _("Sign in with your password first."))
            return redirect("backoffice:sign-in")
        next_url = request.session[PENDING]["next"]
    form = CodeForm(request.POST if request.method == "POST" else None)
    # Wrong codes count as failed sign-ins of the address and the account (civicdesk.throttling).
    keys = sign_in_keys(request, user.get_username())
    if request.method == "POST" and (refused := limits.refusal(request, limits.SIGN_IN, keys)):
        return too_many_page(request, refused)
    if form.is_valid():
        try:
            device = services.verify_code(user, form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
            limits.count(request, limits.SIGN_IN, keys)
            if _too_many_failures(request):
                logout(request)
                messages.error(request, _("Too many wrong codes. Sign in again."))
                return redirect("backoffice:sign-in")
        else:
            if signed_in:
                request.session.cycle_key()
                otp_login(request, device)
                request.session.pop(FAILURES, None)
            else:
                backend = request.session.pop(PENDING)["backend"]
                user.otp_device = device  # django-otp's user_logged_in receiver keeps it
                login(request, user, backend=backend)
            return redirect(next_url)
    return render(
        request, "twofactor/code.html", {"form": form}, status=400 if form.errors else 200
    )


def _too_many_failures(request: HttpRequest) -> bool:
    pending = request.session.get(PENDING)
    if pending is not None:
        pending["failures"] += 1
        request.session.modified = True
        return pending["failures"] >= MAX_FAILURES
    failures = request.session[FAILURES] = request.session.get(FAILURES, 0) + 1
    return failures >= MAX_FAILURES


@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Status and set-up: the QR code and secret, confirmed by a code; backup codes are
    shown once, right after they are made."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("backoffice:sign-in"))
    request.scope = scope_of(request.user)
    if not (request.user.is_staff or request.scope.is_staff_member):
        raise PermissionDenied(_("Two-factor sign-in is for staff."))
    if gate.missing_step(request) == gate.CODE:
        return gate.refusal(request)
    user = request.user
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "new-codes":
        try:
            return _show_codes(request, services.new_backup_codes(user))
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("backoffice:two-factor")
    form = EnrolmentForm(request.POST if action == "confirm" else None)
    if form.is_valid():
        try:
            device, codes = services.confirm_enrolment(user, form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc.message_dict.get("code", exc.messages))
        else:
            request.session.cycle_key()
            otp_login(request, device)
            gate.note_new_device(request)
            return _show_codes(request, codes, enrolled=True)
    has_device = services.has_device(user)
    context = {
        "has_device": has_device,
        "required": services.required_for_staff(),
        "codes_left": services.backup_codes_left(user) if has_device else 0,
        "form": form,
        "enrolment": None,
    }
    if not has_device or request.GET.get("replace") or action == "confirm":
        context["enrolment"] = services.start_enrolment(user)
    response = render(
        request, "twofactor/two_factor.html", context, status=400 if form.errors else 200
    )
    add_never_cache_headers(response)  # the page shows the secret
    return response


def _show_codes(request: HttpRequest, codes: list[str], enrolled: bool = False) -> HttpResponse:
    response = render(
        request, "twofactor/backup_codes.html", {"codes": codes, "enrolled": enrolled}
    )
    add_never_cache_headers(response)
    return response
