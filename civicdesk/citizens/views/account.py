"""Citizens' accounts: sign up, sign in (password or one-time link), sign out, "My
issues", alert choices and deleting the account."""

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from civicdesk.accounts.models import AlertChannel, Citizen
from civicdesk.citizens.forms_account import (
    AlertChannelForm,
    DeleteAccountForm,
    IssueChannelForm,
    SignInForm,
    SignInLinkForm,
    SignUpForm,
)
from civicdesk.citizens.services import account, following, personal_data
from civicdesk.citizens.views import labels
from civicdesk.issues.models import Issue
from civicdesk.issues.sla_state import with_sla_state
from civicdesk.throttling import limits
from civicdesk.throttling.responses import too_many_page
from civicdesk.throttling.sign_in import count_failed_link, sign_in_throttle

SIGN_IN = reverse_lazy("citizens:sign-in")
signed_in_only = login_required(login_url=SIGN_IN)
MY_ISSUES_PAGE = 25
# Both sign-in forms ask for an e-mail on one page: their inputs need distinct ids.
LINK_IDS = "id_link_%s"


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return wanted
    return reverse("citizens:my-issues")


@require_http_methods(["GET", "POST"])
@sign_in_throttle
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        email = account.normal_email(form.cleaned_data["email"])
        user = authenticate(request, username=email, password=form.cleaned_data["password"])
        if user is None:
            form.add_error("password", _("This e-mail and password do not match an account."))
        else:
            login(request, user)
            account.ensure_citizen(user)
            return redirect(_next_url(request))
    return render(
        request,
        "citizens/account/sign_in.html",
        {"form": form, "link_form": SignInLinkForm(auto_id=LINK_IDS), "next": _next_url(request)},
        status=400 if form.errors else 200,
    )


@require_POST
def request_sign_in_link(request: HttpRequest) -> HttpResponse:
    form = SignInLinkForm(request.POST, auto_id=LINK_IDS)
    if not form.is_valid():
        return render(
            request,
            "citizens/account/sign_in.html",
            {"form": SignInForm(), "link_form": form, "next": _next_url(request)},
            status=400,
        )
    keys = limits.client_keys(
        request, account=limits.contact_account(form.cleaned_data["email"], "")
    )
    if refused := limits.refusal(request, limits.SIGN_IN_LINK, keys):
        return too_many_page(request, refused)
    account.send_sign_in_link(form.cleaned_data["email"])
    limits.count(request, limits.SIGN_IN_LINK, keys)
    # The same answer whether or not an account exists: nobody learns who has one.
    return render(request, "citizens/account/link_sent.html", {"email": form.cleaned_data["email"]})


@require_http_methods(["GET", "POST"])
def use_sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    # A GET only asks to confirm: mail scanners open links, and must not use them up.
    if request.method == "GET":
        return render(request, "citizens/account/link_confirm.html", {"token": token})
    if refused := limits.refusal(request, limits.SIGN_IN, limits.client_keys(request)):
        return too_many_page(request, refused)
    try:
        outcome = account.use_sign_in_link(token)
    except ValidationError as exc:
        count_failed_link(request)
        return render(
            request,
            "citizens/account/link_confirm.html",
            {"token": token, "error": exc.messages[0]},
            status=400,
        )
    login(request, outcome.user, backend="django.contrib.auth.backends.ModelBackend")
    if outcome.created:
        messages.success(request, _("Welcome: your account is ready."))
    return redirect(reverse("citizens:my-issues"))


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = account.sign_up(**form.cleaned_data)
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome: your account is ready."))
            return redirect(_next_url(request))
    return render(
        request,
        "citizens/account/sign_up.html",
        {"form": form, "next": _next_url(request)},
        status=400 if form.errors else 200,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("/")


@signed_in_only
@require_http_methods(["GET", "POST"])
def account_page(request: HttpRequest) -> HttpResponse:
    citizen = account.ensure_citizen(request.user)
    form = AlertChannelForm(
        request.POST if request.method == "POST" else None,
        initial={"alert_channel": citizen.alert_channel},
    )
    if request.method == "POST" and form.is_valid():
        try:
            account.set_alert_channel(
                citizen, form.cleaned_data["alert_channel"], form.cleaned_data["phone"]
            )
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("Your alert choice is saved."))
            return redirect(reverse("citizens:account"))
    return render(
        request,
        "citizens/account/account.html",
        {"form": form, "citizen": citizen},
        status=400 if form.errors else 200,
    )


@never_cache
@signed_in_only
@require_GET
def account_data(request: HttpRequest) -> HttpResponse:
    """POPIA: everything held about the signed-in citizen, as a JSON download."""
    document = personal_data.export_personal_data(account.ensure_citizen(request.user))
    response = JsonResponse(document, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = 'attachment; filename="civic-desk-my-data.json"'
    return response


@signed_in_only
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            account.delete_account(request.user)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            logout(request)
            messages.success(
                request, _("Your account is deleted. Your reports stay, without your name.")
            )
            return redirect("/")
    return render(
        request,
        "citizens/account/delete.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _my_issues_page(
    request: HttpRequest, citizen: Citizen, page_number: str | None, posted=None
) -> HttpResponse:
    """A page of "My issues", each with its alert choice; `posted` is an (issue id, form)
    refused, shown with its errors next to its field."""
    issues = with_sla_state(
        following.issues_of(citizen).select_related("issue_type").order_by("-submitted_at", "-id")
    )
    page = Paginator(issues, MY_ISSUES_PAGE).get_page(page_number)
    rows = list(page.object_list)
    chosen = following.issue_channels(citizen, [i.pk for i in rows])

    def form(issue: Issue) -> IssueChannelForm:
        if posted is not None and posted[0] == issue.pk:
            return posted[1]
        return IssueChannelForm(
            initial={"channel": chosen.get(issue.pk, following.DEFAULT)},
            default=citizen.alert_channel,
            auto_id=f"id_issue_{issue.pk}_%s",
        )

    return render(
        request,
        "citizens/account/my_issues.html",
        {
            "page": page,
            "rows": [
                {
                    "issue": issue,
                    "relation": issue.relation,
                    "status": labels.status_label(issue.status),
                    "sla": labels.SLA.get(issue.sla_state, ""),
                    "form": form(issue),
                }
                for issue in rows
            ],
            "citizen": citizen,
        },
        status=400 if posted is not None else 200,
    )


@signed_in_only
def my_issues(request: HttpRequest) -> HttpResponse:
    citizen = account.ensure_citizen(request.user)
    return _my_issues_page(request, citizen, request.GET.get("page"))


def _chosen(channel: str, issue_id: int) -> str:
    texts = {
        following.DEFAULT: _("Alerts about issue #%(id)s now follow your default choice."),
        AlertChannel.EMAIL: _("Alerts about issue #%(id)s now come by e-mail."),
        AlertChannel.SMS: _("Alerts about issue #%(id)s now come by SMS."),
        AlertChannel.NONE: _("Alerts about issue #%(id)s are off."),
    }
    return texts[channel] % {"id": issue_id}


@signed_in_only
@require_POST
def issue_alerts(request: HttpRequest, issue_id: int) -> HttpResponse:
    """Save the alert choice of one of the citizen's issues (a plain form post)."""
    citizen = account.ensure_citizen(request.user)
    issue = get_object_or_404(following.issues_of(citizen), pk=issue_id)
    page_number = request.POST.get("page") or None
    form = IssueChannelForm(
        request.POST, default=citizen.alert_channel, auto_id=f"id_issue_{issue.pk}_%s"
    )
    if form.is_valid():
        channel = form.cleaned_data["channel"]
        try:
            following.choose_issue_channel(citizen, issue, channel)
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _chosen(channel, issue.pk))
            url = reverse("citizens:my-issues")
            return redirect(f"{url}?page={page_number}" if page_number else url)
    return _my_issues_page(request, citizen, page_number, posted=(issue.pk, form))
