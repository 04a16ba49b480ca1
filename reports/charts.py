"""Inline SVG bars for the PDF report.

Only shapes go in the SVG: WeasyPrint's SVG text does not shape Thai vowels and tone
marks, so labels and figures sit in the HTML table cells around each bar.
"""

BAR_WIDTH, BAR_HEIGHT = 300, 14


def _svg(shapes: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{BAR_WIDTH}" height="{BAR_HEIGHT}" '
        f'viewBox="0 0 {BAR_WIDTH} {BAR_HEIGHT}">{shapes}</svg>'
    )


def count_bars(rows: list[tuple[str, int, str]]) -> list[dict]:
    """(label, count, colour) → rows with an SVG bar scaled to the largest count."""
    largest = max((count for _label, count, _colour in rows), default=0) or 1
    return [
        {
            "label": label,
            "count": count,
            "svg": _svg(
                f'<rect x="0" y="0" width="{count / largest * BAR_WIDTH:.1f}" '
                f'height="{BAR_HEIGHT}" fill="{colour}"/>'
            ),
        }
        for label, count, colour in rows
    ]


def progress_bar(baseline: float, current: float, target: float) -> str:
    """Track to the target, filled to the current value, with a tick at the baseline."""
    scale = max(baseline, current, target) or 1

    def x(value: float) -> float:
        return value / scale * BAR_WIDTH

    return _svg(
        f'<rect x="0" y="0" width="{x(target):.1f}" height="{BAR_HEIGHT}" fill="#e3ece9"/>'
        f'<rect x="0" y="3" width="{x(current):.1f}" height="{BAR_HEIGHT - 6}" fill="#1b7f72"/>'
        f'<rect x="{max(x(baseline) - 1, 0):.1f}" y="0" width="2" height="{BAR_HEIGHT}" '
        f'fill="#f0a030"/>'
    )
