"""Server-rendered, accessible SVG charts (no JavaScript, no external service)."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

WIDTH = 320
HEIGHT = 56
LEFT = 12
RIGHT = 12
AXIS_Y = 36
TICKS = (0, 25, 50, 75, 100)


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
    ticks = format_html_join(
        "",
        '<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#6c757d"/>'
        '<text x="{0}" y="{3}" font-size="9" text-anchor="middle" fill="#495057">{4}</text>',
        ((_x(t), AXIS_Y, AXIS_Y + 4, AXIS_Y + 14, t) for t in TICKS),
    )
    # Equal totals are stacked upwards so every review stays visible.
    seen: dict[float, int] = {}
    positions = []
    for total in totals:
        stack = seen.get(total, 0)
        seen[total] = stack + 1
        positions.append((_x(total), AXIS_Y - 7 - 7 * stack))
    dots = format_html_join("", '<circle cx="{}" cy="{}" r="3.5" fill="#0d6efd" fill-opacity="0.75"/>', positions)
    marks = mark_safe("")  # noqa: S308 - an empty string; the marks added below are built by format_html
    if mean is not None:
        marks += format_html(
            '<line x1="{0}" y1="6" x2="{0}" y2="{1}" stroke="#212529" stroke-width="1.5" stroke-dasharray="3 2"/>',
            _x(mean),
            AXIS_Y,
        )
    if trimmed_mean is not None:
        x = _x(trimmed_mean)
        marks += format_html(
            '<path d="M{0} {1} l5 5 l-5 5 l-5 -5 z" fill="#d63384" stroke="#fff" stroke-width="1"/>', x, 0
        )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
        'aria-labelledby="{id}-title {id}-desc" class="score-distribution">'
        '<title id="{id}-title">{label}</title><desc id="{id}-desc">{desc}</desc>'
        '<line x1="{left}" y1="{y}" x2="{right}" y2="{y}" stroke="#6c757d"/>{ticks}{marks}{dots}</svg>',
        w=WIDTH,
        h=HEIGHT,
        id=chart_id,
        label=label,
        desc=description,
        left=LEFT,
        right=WIDTH - RIGHT,
        y=AXIS_Y,
        ticks=ticks,
        marks=marks,
        dots=dots,
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
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="#0d6efd" fill-opacity="0.75"/>',
        (
            (
                round(LEFT + step * index + 1, 1),
                round(axis_y - (axis_y - 8) * count / tallest, 1),
                round(step - 2, 1),
                round((axis_y - 8) * count / tallest, 1),
            )
            for index, count in enumerate(bins)
            if count
        ),
    )
    ticks = format_html_join(
        "",
        '<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#6c757d"/>'
        '<text x="{0}" y="{3}" font-size="9" text-anchor="middle" fill="#495057">{4}</text>',
        ((_x(t), axis_y, axis_y + 4, axis_y + 14, t) for t in TICKS),
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
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
        'aria-labelledby="{id}-title {id}-desc" class="score-histogram">'
        '<title id="{id}-title">{label}</title><desc id="{id}-desc">{desc}</desc>'
        '<line x1="{left}" y1="{y}" x2="{right}" y2="{y}" stroke="#6c757d"/>{ticks}{bars}</svg>',
        w=WIDTH,
        h=HISTOGRAM_HEIGHT,
        id=chart_id,
        label=label,
        desc=description,
        left=LEFT,
        right=WIDTH - RIGHT,
        y=axis_y,
        ticks=ticks,
        bars=bars,
    )
