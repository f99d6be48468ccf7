"""The statistics page's charts (hearings per day, scheduled and held; the median start delay),
laid out here and drawn by ``hearings/_statistics_chart.html``. Every coordinate goes through
``svg_number``: a dot for decimals in every language."""

from __future__ import annotations

from config.templatetags.hadir import svg_number

HEIGHT, LEFT, TOP, BOTTOM, BAR, GAP = 140, 36, 12, 30, 10, 8


def per_day_chart(by_day: list[dict], *, value_keys: tuple[str, ...], colours: tuple[str, ...]) -> dict:
    """Bars side by side per day, one per key (``None`` counts as 0)."""
    most = max((day[key] or 0 for day in by_day for key in value_keys), default=0) or 1
    group = len(value_keys) * BAR + GAP
    axis_y = TOP + HEIGHT
    days = []
    for index, day in enumerate(by_day):
        x0 = LEFT + GAP + index * group
        bars = []
        for offset, (key, colour) in enumerate(zip(value_keys, colours, strict=True)):
            value = day[key] or 0
            height = HEIGHT * value / most
            bars.append({"x": svg_number(x0 + offset * BAR), "y": svg_number(axis_y - height),
                         "height": svg_number(height), "colour": colour, "value": svg_number(value), "key": key})
        days.append({"label": day["date"][5:], "label_x": svg_number(x0), "bars": bars})
    width = LEFT + GAP + max(len(by_day), 1) * group + 10
    return {"width": svg_number(max(width, 320)), "height": svg_number(axis_y + BOTTOM), "left": svg_number(LEFT),
            "top": svg_number(TOP), "axis_y": svg_number(axis_y), "label_y": svg_number(axis_y + 14),
            "bar": svg_number(BAR), "most": svg_number(most), "days": days}
