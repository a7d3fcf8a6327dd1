"""Reading a source's dates fast: a strptime format compiled once into a regular expression.

`datetime.strptime` re-reads its format on every call and costs several microseconds; an
import reads three dates a row, a million rows. The common directives become regex groups
and a plain `datetime(...)` call; a format with any other directive falls back to
strptime. Either way an impossible date (31 February, hour 13 PM) raises ValueError."""

import re
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

DIRECTIVES = {
    "Y": r"(?P<Y>\d{4})",
    "y": r"(?P<y>\d{2})",
    "m": r"(?P<m>\d{1,2})",
    "d": r"(?P<d>\d{1,2})",
    "H": r"(?P<H>\d{1,2})",
    "I": r"(?P<I>\d{1,2})",
    "M": r"(?P<M>\d{1,2})",
    "S": r"(?P<S>\d{1,2})",
    "f": r"(?P<f>\d{1,6})",
    "p": r"(?P<p>[AaPp][Mm])",
}


def _pattern(fmt: str) -> re.Pattern | None:
    parts, i = [], 0
    while i < len(fmt):
        if fmt[i] == "%" and i + 1 < len(fmt):
            directive = fmt[i + 1]
            if directive == "%":
                parts.append("%")
            elif directive in DIRECTIVES:
                parts.append(DIRECTIVES[directive])
            else:
                return None
            i += 2
        else:
            parts.append(r"\s+" if fmt[i] == " " else re.escape(fmt[i]))
            i += 1
    try:
        return re.compile(r"\s*" + "".join(parts) + r"\s*")
    except re.error:  # a directive used twice
        return None


def date_reader(fmt: str, zone: ZoneInfo) -> Callable[[str], datetime]:
    """A function reading one value in `fmt` as local time in `zone` (an aware datetime)."""
    pattern = _pattern(fmt)
    groups = set(pattern.groupindex) if pattern else set()
    if not ({"Y", "y"} & groups and {"m", "d"} <= groups):

        def slow(value: str) -> datetime:
            return datetime.strptime(value.strip(), fmt).replace(tzinfo=zone)

        return slow
    match = pattern.fullmatch
    twelve_hour = "I" in groups
    if twelve_hour and "p" not in groups:
        raise ValueError(f"{fmt!r}: %I needs %p")

    def fast(value: str) -> datetime:
        found = match(value)
        if found is None:
            raise ValueError(f"{value!r} does not match {fmt!r}")
        g = found.groupdict()
        year = int(g["Y"]) if g.get("Y") else 2000 + int(g["y"])
        if twelve_hour:
            hour = int(g["I"])
            if not 1 <= hour <= 12:
                raise ValueError(f"{value!r}: hour {hour} on a 12-hour clock")
            hour = hour % 12 + (12 if g["p"] in ("PM", "pm", "Pm", "pM") else 0)
        else:
            hour = int(g.get("H") or 0)
        micro = g.get("f")
        return datetime(
            year,
            int(g["m"]),
            int(g["d"]),
            hour,
            int(g.get("M") or 0),
            int(g.get("S") or 0),
            int(micro.ljust(6, "0")) if micro else 0,
            tzinfo=zone,
        )

    return fast
