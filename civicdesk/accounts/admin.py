"""Users, citizens (personal data: superusers only, every opened record logged, POPIA
export and erasure for requests made by phone or in person) and API tokens (hashes never
shown)."""

import json

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from civicdesk.accounts.models import ApiToken, Citizen, User
from civicdesk.accounts.services import revoke_api_tokens
from civicdesk.backoffice.contacts import log_citizen_record_view
from civicdesk.citizens.services.personal_data import erase_citizen, export_personal_data

PHONE_DIGITS = 9
TOKEN_FIELDS = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]


class ApiTokenInline(admin.TabularInline):
    model = ApiToken
    extra = 0
    fields = ["name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "is_active"]
    inlines = [ApiTokenInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        # Citizens sign in with their e-mail as username: only superusers see their users.
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(is_staff=True)

    def change_view(self, request: HttpRequest, object_id: str, *args, **kwargs) -> HttpResponse:
        # A citizen's user shows their e-mail: opening it is a look at their contacts.
        citizen = (
            Citizen.objects.filter(user_id=object_id).first() if object_id.isdecimal() else None
        )
        if citizen is not None and request.method == "GET" and request.user.is_superuser:
            log_citizen_record_view(request.user, citizen)
        return super().change_view(request, object_id, *args, **kwargs)


class SuperuserOnly:
    """Personal data: invisible, unsearchable and unlisted for everyone but superusers."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_active and request.user.is_superuser


@admin.register(Citizen)
class CitizenAdmin(SuperuserOnly, admin.ModelAdmin):
    """Found by e-mail or phone (search); the list shows no contacts, and opening a record
    or exporting it is logged as a contact view."""

    list_display = ["__str__", "alert_channel", "language", "created_at", "erased_at"]
    list_filter = ["alert_channel", "language", ("erased_at", admin.EmptyFieldListFilter)]
    search_fields = ["=email", "name"]
    fields = [
        "user",
        "name",
        "email",
        "phone",
        "alert_channel",
        "language",
        "created_at",
        "erased_at",
    ]
    readonly_fields = ["user", "created_at", "erased_at"]
    actions = ["export_personal_data", "erase_personal_data"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Citizen]:
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.none()

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Citizen], search_term: str
    ) -> tuple[QuerySet[Citizen], bool]:
        if not request.user.is_superuser:
            return queryset.none(), False
        # E-mails are stored in lower case; a number is found however it is written
        # (+27 82 …, 082 …): by its last nine digits, the subscriber number.
        term = search_term.strip()
        if "@" in term:
            return super().get_search_results(request, queryset, term.lower())
        digits = "".join(ch for ch in term if ch.isdigit())
        if len(digits) >= PHONE_DIGITS and all(ch in "0123456789+ -()" for ch in term):
            return queryset.filter(phone__endswith=digits[-PHONE_DIGITS:]), False
        return super().get_search_results(request, queryset, term)

    def change_view(self, request: HttpRequest, object_id: str, *args, **kwargs) -> HttpResponse:
        citizen = self.get_object(request, object_id)
        if citizen is not None and request.method == "GET":
            log_citizen_record_view(request.user, citizen)
        return super().change_view(request, object_id, *args, **kwargs)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # citizens come from reports and pushes

    def has_delete_permission(self, request: HttpRequest, obj: Citizen | None = None) -> bool:
        # Deleting would drop their pushes and alerts; erasure keeps the row and blanks it.
        return False

    @admin.action(description="Export personal data (JSON)", permissions=["change"])
    def export_personal_data(self, request: HttpRequest, queryset: QuerySet[Citizen]):
        documents = []
        for citizen in queryset.order_by("id"):
            log_citizen_record_view(request.user, citizen)
            documents.append(export_personal_data(citizen))
        response = HttpResponse(
            json.dumps(documents, indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Erase personal data (POPIA)", permissions=["change"])
    def erase_personal_data(self, request: HttpRequest, queryset: QuerySet[Citizen]):
        citizens = list(queryset.filter(erased_at=None).order_by("id"))
        if request.POST.get("confirm") != "yes":
            return TemplateResponse(
                request,
                "admin/accounts/citizen/erase_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Erase personal data?",
                    "citizens": citizens,
                    "opts": self.model._meta,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        erased, refused = 0, []
        for citizen in citizens:
            try:
                erase_citizen(citizen)
            except ValidationError as exc:
                refused.append(f"{citizen}: {' '.join(exc.messages)}")
            else:
                erased += 1
        self.message_user(request, f"Erased {erased} citizen(s).", messages.SUCCESS)
        if refused:
            self.message_user(request, "Not erased: " + "; ".join(refused), messages.ERROR)
        return None


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created with `manage.py create_api_token`, which shows the key once."""

    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["prefix", "name", "user__username"]
    fields = TOKEN_FIELDS
    readonly_fields = ["user", "prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = revoke_api_tokens(queryset)
        self.message_user(request, f"Revoked {revoked} token(s).", messages.SUCCESS)
