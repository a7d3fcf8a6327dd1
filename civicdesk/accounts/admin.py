"""Users, citizens (personal data: superusers only) and API tokens (hashes never shown)."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from civicdesk.accounts.models import ApiToken, Citizen, User
from civicdesk.accounts.services import revoke_api_tokens

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
    list_display = ["__str__", "name", "email", "phone", "alert_channel", "created_at"]
    list_filter = ["alert_channel", "language", ("erased_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "email", "phone"]
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
    # No bulk actions: nothing exports or mass-edits personal data from here.
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Citizen]:
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.none()

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Citizen], search_term: str
    ) -> tuple[QuerySet[Citizen], bool]:
        if not request.user.is_superuser:
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # citizens come from reports and pushes

    def has_delete_permission(self, request: HttpRequest, obj: Citizen | None = None) -> bool:
        # Deleting would drop their pushes and alerts; erasure keeps the row and blanks it.
        return False


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
