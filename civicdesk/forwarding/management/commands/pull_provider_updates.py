from django.core.management.base import BaseCommand

from civicdesk.forwarding.services import pull_all_updates


class Command(BaseCommand):
    help = (
        "Send due forwardings, resolve providers' tokens and pull every Open311 provider's "
        "updates (run it periodically, e.g. every 15 minutes)."
    )

    def handle(self, *args, **options) -> None:
        counts = pull_all_updates()
        self.stdout.write(", ".join(f"{name}: {n}" for name, n in counts.items()))
