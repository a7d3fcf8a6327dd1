"""Browser push: Web Push messages encrypted for each subscription, signed with VAPID."""

import json

from django.conf import settings
from pywebpush import WebPushException, webpush

from civicdesk.alerts.channels import DeliveryError

# The push service says the subscription is gone: the browser unsubscribed or expired.
GONE = {404, 410}


def send_push(subscription: dict, payload: dict) -> None:
    try:
        webpush(
            subscription_info=subscription,
            data=json.dumps(payload),
            vapid_private_key=settings.VAPID_PRIVATE_KEY,
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            timeout=settings.SMS_TIMEOUT,
            ttl=24 * 3600,
        )
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        raise DeliveryError(
            f"push service: {status} {exc.message}", permanent=status in GONE
        ) from exc
    except ValueError as exc:  # keys that do not decode: the subscription is unusable
        raise DeliveryError(f"bad subscription: {exc}", permanent=True) from exc
    except OSError as exc:
        raise DeliveryError(f"push service unreachable: {exc!r}") from exc
