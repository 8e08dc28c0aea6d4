"""Charts drawn on the server as SVG (``templates/lmi/_charts.html`` renders them): the
geometry is computed here, the markup is escaped by Jinja. Each chart has a title and a
description for screen readers, and the page shows its data table beside it; suppressed
values are drawn as no bar, labelled "x (suppressed)"."""

from dataclasses import dataclass, field

COLOURS = ("#0b4f6c", "#b5520b", "#2e7d32", "#6a1b9a")  # AA contrast on white
MARKERS = ("circle", "square", "diamond", "triangle")


def nice_max(value: float) -> float:
    """A round axis maximum at or above ``value``."""
    if value <= 0:
        return 1.0
    for scale in (0.01, 0.1, 1, 10, 100, 1000, 10000, 100000, 1000000):
        for step in (1, 2, 2.5, 5):
            if step * scale >= value:
                return step * scale
    return value


def format_value(value, unit: str) -> str:
    if value is None:
        return "–"
    if value == "x":
        return "x"
    if unit == "percent":
        return f"{value:.1f} %"
    if unit == "dollars":
        return f"${value:,.2f}"
    if isinstance(value, float) and value % 1:
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def shorten(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


@dataclass
class Bar:
    label: str
    full_label: str
    text: str
    y: float
    width: float
    suppressed: bool
    total: bool


@dataclass
class BarChart:
    chart_id: str
    title: str
    desc: str
    width: int
    height: int
    label_width: int
    plot_width: int
    bar_height: int
    bars: list[Bar]
    ticks: list[tuple[float, str]] = field(default_factory=list)


def bar_chart(
    chart_id: str, title: str, items: list[tuple[str, object, bool]], unit: str, width: int = 560
) -> BarChart:
    """Horizontal bars: ``items`` are (label, value or "x" or None, is_total)."""
    label_width, value_room, bar_height, gap = 250, 78, 18, 8
    plot_width = width - label_width - value_room
    numbers = [v for _, v, _ in items if isinstance(v, int | float)]
    top = nice_max(max(numbers, default=0))
    bars = []
    for i, (label, value, is_total) in enumerate(items):
        numeric = isinstance(value, int | float)
        bars.append(
            Bar(
                label=shorten(label),
                full_label=label,
                text=format_value(value, unit) + (" (suppressed)" if value == "x" else ""),
                y=28 + i * (bar_height + gap),
                width=round(plot_width * value / top, 1) if numeric and top else 0,
                suppressed=value == "x",
                total=is_total,
            )
        )
    height = 28 + len(items) * (bar_height + gap) + 10
    ticks = [
        (round(label_width + plot_width * f, 1), format_value(top * f, unit)) for f in (0, 0.5, 1)
    ]
    shown = [f"{b.full_label}: {b.text}" for b in bars]
    desc = f"{title}. " + "; ".join(shown) + "."
    return BarChart(
        chart_id, title, desc, width, height, label_width, plot_width, bar_height, bars, ticks
    )


@dataclass
class Series:
    name: str
    colour: str
    marker: str
    points: list[tuple[float, float, str]]  # x, y, value text
    path: str


@dataclass
class LineChart:
    chart_id: str
    title: str
    desc: str
    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    series: list[Series]


def line_chart(
    chart_id: str,
    title: str,
    x_labels: list[str],
    series: list[tuple[str, list]],
    unit: str,
    width: int = 560,
    height: int = 260,
) -> LineChart:
    """Trend lines: ``series`` are (name, values per x label: number, "x" or None); a gap
    in the line where a value is missing."""
    left, top, right, bottom = 56, 16, 40, 40
    plot_width, plot_height = width - left - right, height - top - bottom
    numbers = [v for _, values in series for v in values if isinstance(v, int | float)]
    y_max = nice_max(max(numbers, default=0))
    step = plot_width / max(1, len(x_labels) - 1) if len(x_labels) > 1 else 0
    xs = [left + (i * step if len(x_labels) > 1 else plot_width / 2) for i in range(len(x_labels))]
    drawn = []
    described = []
    for n, (name, values) in enumerate(series):
        points, path, pen_down = [], [], False
        for x, value in zip(xs, values, strict=True):
            if isinstance(value, int | float):
                y = top + plot_height - plot_height * value / y_max
                points.append((round(x, 1), round(y, 1), format_value(value, unit)))
                path.append(f"{'L' if pen_down else 'M'}{x:.1f},{y:.1f}")
                pen_down = True
            else:
                pen_down = False
        drawn.append(
            Series(
                name, COLOURS[n % len(COLOURS)], MARKERS[n % len(MARKERS)], points, " ".join(path)
            )
        )
        described.append(
            f"{name}: "
            + ", ".join(
                f"{label} {format_value(v, unit)}"
                for label, v in zip(x_labels, values, strict=True)
            )
        )
    y_ticks = [
        (round(top + plot_height - plot_height * f, 1), format_value(y_max * f, unit))
        for f in (0, 0.25, 0.5, 0.75, 1)
    ]
    return LineChart(
        chart_id,
        title,
        f"{title}. " + "; ".join(described) + ".",
        width,
        height,
        left,
        top,
        plot_width,
        plot_height,
        [(round(x, 1), label) for x, label in zip(xs, x_labels, strict=True)],
        y_ticks,
        drawn,
    )
