from django.contrib.admin.apps import AdminConfig


class TwoFactorAdminConfig(AdminConfig):
    """The Django admin, on a site that asks users with a device for their code."""

    default_site = "civicdesk.twofactor.admin_site.TwoFactorAdminSite"
