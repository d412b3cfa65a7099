"""Server-rendered, accessible SVG charts (no JavaScript, no external service)."""

from __future__ import annotations

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 320
HEIGHT = 56
LEFT = 12
RIGHT = 12
AXIS_Y = 36
TICKS = (0, 25, 50, 75, 100)

# The charts are built with plain string formatting: every value but the label, the description and the id is a
# number (nothing to escape), and those three are escaped here. A ranking page draws dozens of charts, and
# format_html's escaping of each number was most of the dashboard's rendering time (issue 12).


def _x(value: float) -> float:
    return round(LEFT + (WIDTH - LEFT - RIGHT) * max(0.0, min(100.0, value)) / 100, 1)


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def score_distribution(
    totals: list[float], *, mean: float | None, trimmed_mean: float | None, chart_id: str, label: str
) -> str:
    """One dot per submitted total on a 0-100 axis, the mean as a line and the trimmed mean as a diamond.

    The reviewers are anonymous here: only values are drawn. <title> and <desc> give screen readers the
    same information in words."""
    totals = sorted(totals)
    description = _("%(count)s submitted totals: %(values)s. Mean %(mean)s, trimmed mean %(trimmed)s.") % {
        "count": len(totals),
        "values": ", ".join(_number(t) for t in totals) or "—",
        "mean": _number(mean),
        "trimmed": _number(trimmed_mean),
    }
    # Equal totals are stacked upwards so every review stays visible.
    seen: dict[float, int] = {}
    dots = []
    for total in totals:
        stack = seen.get(total, 0)
        seen[total] = stack + 1
        dots.append(
            f'<circle cx="{_x(total)}" cy="{AXIS_Y - 7 - 7 * stack}" r="3.5" fill="#0d6efd" fill-opacity="0.75"/>'
        )
    marks = ""
    if mean is not None:
        marks += (
            f'<line x1="{_x(mean)}" y1="6" x2="{_x(mean)}" y2="{AXIS_Y}" stroke="#212529" stroke-width="1.5" '
            f'stroke-dasharray="3 2"/>'
        )
    if trimmed_mean is not None:
        marks += f'<path d="M{_x(trimmed_mean)} 0 l5 5 l-5 5 l-5 -5 z" fill="#d63384" stroke="#fff" stroke-width="1"/>'
    return _svg(WIDTH, HEIGHT, chart_id, label, description, "score-distribution", AXIS_Y, marks + "".join(dots))


def _ticks(axis_y: int) -> str:
    return "".join(
        f'<line x1="{_x(t)}" y1="{axis_y}" x2="{_x(t)}" y2="{axis_y + 4}" stroke="#6c757d"/>'
        f'<text x="{_x(t)}" y="{axis_y + 14}" font-size="9" text-anchor="middle" fill="#495057">{t}</text>'
        for t in TICKS
    )


_TICKS: dict[int, str] = {}


def _svg(width, height, chart_id, label, description, css_class, axis_y, body) -> SafeString:
    ticks = _TICKS.get(axis_y) or _TICKS.setdefault(axis_y, _ticks(axis_y))
    chart_id = conditional_escape(chart_id)
    return mark_safe(  # noqa: S308 - numbers formatted here; the id, label and description are escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-title {chart_id}-desc" class="{css_class}">'
        f'<title id="{chart_id}-title">{conditional_escape(label)}</title><desc id="{chart_id}-desc">{conditional_escape(description)}</desc>'
        f'<line x1="{LEFT}" y1="{axis_y}" x2="{WIDTH - RIGHT}" y2="{axis_y}" stroke="#6c757d"/>{ticks}{body}</svg>'
    )


HISTOGRAM_HEIGHT = 120
HISTOGRAM_BIN = 5  # points per bar on the 0-100 axis


def score_histogram(scores: list[float | None], *, chart_id: str, label: str) -> str:
    """One chart for a whole field: how many plans fall in each 5-point band of the ranking score.

    A ranking of hundreds of plans gets this one picture instead of a chart per plan. Plans without a score
    are counted in the description only; <title> and <desc> say in words what the bars show."""
    bins = [0] * (100 // HISTOGRAM_BIN)
    unscored = 0
    for score in scores:
        if score is None:
            unscored += 1
            continue
        bins[min(len(bins) - 1, max(0, int(float(score) // HISTOGRAM_BIN)))] += 1
    tallest = max(bins) or 1
    axis_y = HISTOGRAM_HEIGHT - 20
    step = (WIDTH - LEFT - RIGHT) / len(bins)
    bars = "".join(
        f'<rect x="{round(LEFT + step * index + 1, 1)}" y="{round(axis_y - (axis_y - 8) * count / tallest, 1)}" '
        f'width="{round(step - 2, 1)}" height="{round((axis_y - 8) * count / tallest, 1)}" fill="#0d6efd" '
        f'fill-opacity="0.75"/>'
        for index, count in enumerate(bins)
        if count
    )
    bands = ", ".join(
        _("%(low)s–%(high)s: %(count)s")
        % {"low": index * HISTOGRAM_BIN, "high": (index + 1) * HISTOGRAM_BIN, "count": c}
        for index, c in enumerate(bins)
        if c
    )
    description = _("%(count)s plans by ranking score: %(bands)s. Without a score: %(unscored)s.") % {
        "count": len(scores),
        "bands": bands or "—",
        "unscored": unscored,
    }
    return _svg(WIDTH, HISTOGRAM_HEIGHT, chart_id, label, description, "score-histogram", axis_y, bars)
