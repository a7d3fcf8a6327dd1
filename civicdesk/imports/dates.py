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
    at = pattern.groupindex  # 1-based positions of the groups
    y4, y2, mo, d = at.get("Y"), at.get("y"), at["m"], at["d"]
    h24, h12, mi, sec, frac, ampm = (at.get(k) for k in ("H", "I", "M", "S", "f", "p"))
    if h12 and not ampm:
        raise ValueError(f"{fmt!r}: %I needs %p")

    def fast(value: str) -> datetime:
        found = match(value)
        if found is None:
            raise ValueError(f"{value!r} does not match {fmt!r}")
        g = (None, *found.groups())
        if h12:
            hour = int(g[h12])
            if not 1 <= hour <= 12:
                raise ValueError(f"{value!r}: hour {hour} on a 12-hour clock")
            hour = hour % 12 + (12 if g[ampm] in ("PM", "pm", "Pm", "pM") else 0)
        else:
            hour = int(g[h24]) if h24 else 0
        return datetime(
            int(g[y4]) if y4 else 2000 + int(g[y2]),
            int(g[mo]),
            int(g[d]),
            hour,
            int(g[mi]) if mi else 0,
            int(g[sec]) if sec else 0,
            int(g[frac].ljust(6, "0")) if frac else 0,
            tzinfo=zone,
        )

    return fast
