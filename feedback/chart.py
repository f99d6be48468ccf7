"""The organisation's trend (average rating per week) as a line, laid out here, drawn by
``feedback/_trend_chart.html``. Every coordinate is written with ``svg_number`` (never localised)."""

from __future__ import annotations

from config.templatetags.hadir import svg_number

WIDTH, HEIGHT, LEFT, TOP, BOTTOM, STEP = 560, 150, 36, 12, 34, 40


def trend_chart(points) -> dict:
    """``points``: ``feedback.selectors.TrendPoint`` oldest first."""
    axis_y = TOP + HEIGHT

    def y_of(rating: float) -> float:
        return axis_y - HEIGHT * (rating - 1) / 4  # 1 at the axis, 5 at the top

    dots = []
    for index, point in enumerate(points):
        x, y = LEFT + 20 + index * STEP, y_of(point.average_rating)
        dots.append({"x": svg_number(x), "y": svg_number(y), "label": point.week.strftime("%d/%m"),
                     "rating": svg_number(point.average_rating), "count": point.count})
    width = max(WIDTH, LEFT + 40 + len(points) * STEP)
    return {
        "width": svg_number(width), "height": svg_number(axis_y + BOTTOM), "left": svg_number(LEFT),
        "top": svg_number(TOP), "axis_y": svg_number(axis_y), "label_y": svg_number(axis_y + 14),
        "line": " ".join(f"{dot['x']},{dot['y']}" for dot in dots),
        "dots": dots,
        "ticks": [{"y": svg_number(y_of(value)), "value": value} for value in (1, 2, 3, 4, 5)],
    }
