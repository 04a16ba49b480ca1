"""Small server-side SVG charts: geometry computed here, drawn by templates/communities/_*.html.

No JavaScript charting library is needed (and none is loaded from a CDN): the page gets
plain <svg> that prints, works without scripts and costs no extra request.
"""

from datetime import date
from decimal import Decimal

LINE_WIDTH, LINE_HEIGHT, PAD = 320, 120, 8
BAR_WIDTH, BAR_HEIGHT, BAR_GAP, LABEL_WIDTH = 420, 22, 8, 130


def _scale(value, low, high, size) -> float:
    if high == low:
        return size / 2
    return (float(value) - float(low)) / (float(high) - float(low)) * size


def line_chart(
    points: list[tuple[date, Decimal | int]],
    *,
    baseline=None,
    target=None,
    low=None,
    high=None,
    width: int = LINE_WIDTH,
    height: int = LINE_HEIGHT,
) -> dict:
    """Polyline coordinates for values over time, with optional baseline and target lines.

    x is spaced by date (not by index) so irregular visits keep their real gaps.
    """
    values = [v for _day, v in points] + [v for v in (baseline, target) if v is not None]
    low = min(values, default=0) if low is None else low
    high = max(values, default=1) if high is None else high
    inner_w, inner_h = width - 2 * PAD, height - 2 * PAD
    first = points[0][0] if points else None
    span = (points[-1][0] - first).days if points else 0

    def x(day):
        return PAD + (inner_w / 2 if span == 0 else (day - first).days / span * inner_w)

    def y(value):
        return PAD + inner_h - _scale(value, low, high, inner_h)

    dots = [{"x": round(x(d), 1), "y": round(y(v), 1), "day": d, "value": v} for d, v in points]
    return {
        "width": width,
        "height": height,
        "dots": dots,
        "polyline": " ".join(f"{dot['x']},{dot['y']}" for dot in dots),
        "baseline_y": round(y(baseline), 1) if baseline is not None else None,
        "target_y": round(y(target), 1) if target is not None else None,
        "low": low,
        "high": high,
        "first": first,
        "last": points[-1][0] if points else None,
    }


def stage_bars(rows: list[tuple[str, dict]], stages) -> dict:
    """Stacked horizontal bars, one per province, one segment per stage (in stage order)."""
    longest = max((sum(counts.values()) for _name, counts in rows), default=0) or 1
    bar_area = BAR_WIDTH - LABEL_WIDTH - 40
    bars = []
    for index, (name, counts) in enumerate(rows):
        top = index * (BAR_HEIGHT + BAR_GAP)
        left, segments = LABEL_WIDTH, []
        for stage in stages:
            n = counts.get(stage.value, 0)
            if not n:
                continue
            width = n / longest * bar_area
            segments.append(
                {"stage": stage, "n": n, "x": round(left, 1), "width": round(max(width, 2), 1)}
            )
            left += width
        bars.append(
            {
                "name": name,
                "y": top,
                "text_y": top + BAR_HEIGHT * 0.7,
                "segments": segments,
                "total": sum(counts.values()),
                "total_x": round(left + 6, 1),
            }
        )
    return {
        "width": BAR_WIDTH,
        "height": max(len(rows) * (BAR_HEIGHT + BAR_GAP), BAR_HEIGHT),
        "bar_height": BAR_HEIGHT,
        "label_width": LABEL_WIDTH,
        "bars": bars,
        "stages": list(stages),
    }
