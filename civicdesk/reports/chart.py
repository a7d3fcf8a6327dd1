"""SLA compliance over time as a server-rendered SVG line chart: the share of responses
and of resolutions within target, month by month. Coordinates are computed here; the
template only draws them."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from civicdesk.reports.sla import ReportRow

WIDTH, HEIGHT = 560, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 32, 12, 36


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str  # the month and value, for the tooltip and screen readers


@dataclass(frozen=True)
class Series:
    name: str
    css_class: str
    points: list[Point | None]

    @property
    def path(self) -> str:
        """SVG path data; a month without judged issues breaks the line."""
        parts, pen_down = [], False
        for point in self.points:
            if point is None:
                pen_down = False
                continue
            parts.append(f"{'L' if pen_down else 'M'}{point.x:.1f},{point.y:.1f}")
            pen_down = True
        return " ".join(parts)

    @property
    def dots(self) -> list[Point]:
        return [p for p in self.points if p is not None]


@dataclass(frozen=True)
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    series: list[Series] = field(default_factory=list)
    x_labels: list[Point] = field(default_factory=list)
    y_ticks: list[Point] = field(default_factory=list)
    left: int = LEFT
    right: int = WIDTH - RIGHT
    bottom: int = HEIGHT - BOTTOM


def compliance_chart(months: list[ReportRow]) -> Chart | None:
    """Rows grouped by month alone, in time order; None when there is nothing to draw."""
    if not any(r.response_judged or r.resolution_judged for r in months):
        return None
    span = max(len(months) - 1, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(n: int) -> float:
        return LEFT + plot_w * (n / span if len(months) > 1 else 0.5)

    def y(percent: float) -> float:
        return TOP + plot_h * (1 - percent / 100)

    series = []
    for name, css, attribute in (
        (_("Responded within target"), "response", "response_met_percent"),
        (_("Resolved within target"), "resolution", "resolution_met_percent"),
    ):
        points = []
        for n, row in enumerate(months):
            value = getattr(row, attribute)
            points.append(
                None
                if value is None
                else Point(x(n), y(value), f"{row.labels[0]}: {name} {value:.1f}%")
            )
        series.append(Series(str(name), css, points))
    # Label every month when they fit, else every second, third… month.
    step = max(1, -(-len(months) // 12))
    x_labels = [Point(x(n), HEIGHT - BOTTOM + 18, r.labels[0]) for n, r in enumerate(months)]
    y_ticks = [Point(LEFT - 6, y(p), f"{p}%") for p in (0, 25, 50, 75, 100)]
    return Chart(series=series, x_labels=x_labels[::step], y_ticks=y_ticks)
