"""Words for the kinds of asset a city registers. A kind is a slug (`street_light`); the
known ones have names and a name for their number, others are shown as their slug."""

import re

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

KIND_PATTERN = re.compile(r"^[-a-zA-Z0-9_]{1,32}$")

KINDS: dict[str, tuple[Promise, Promise]] = {
    "street_light": (_("Street light"), _("Pole number")),
    "traffic_signal": (_("Traffic signal"), _("Signal number")),
    "water_meter": (_("Water meter"), _("Meter number")),
    "valve": (_("Valve"), _("Valve number")),
    "hydrant": (_("Hydrant"), _("Hydrant number")),
    "bin": (_("Bin"), _("Bin number")),
}


def kind_label(kind: str) -> str:
    found = KINDS.get(kind)
    return str(found[0]) if found else kind.replace("_", " ").capitalize()


def number_label(kind: str) -> str:
    found = KINDS.get(kind)
    return str(found[1]) if found else str(_("Asset number"))
