"""Background jobs of forwarding (django-tasks; the database queue by default)."""

from django_tasks import task

from civicdesk.forwarding import services


@task()
def forward_issue(forwarding_id: int) -> str:
    """Send one forwarding; a failure queues its own retry."""
    forwarding = services.forward(forwarding_id)
    return forwarding.state if forwarding else "not due"


@task()
def pull_provider_updates() -> dict[str, int]:
    """The periodic job: send what is due, resolve tokens, pull every provider's updates."""
    return services.pull_all_updates()
