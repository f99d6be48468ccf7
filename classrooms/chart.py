"""The term's attendance as a stacked bar per meeting, laid out here and drawn by an SVG template."""

from __future__ import annotations

import zoneinfo

from classrooms.attendance import STATUS_LABELS, MeetingSummary

COLOURS = {"present": "#15803d", "late": "#d97706", "left_early": "#2563eb", "absent": "#b91c1c"}
HEIGHT, BAR, GAP, LEFT, TOP, BOTTOM = 160, 18, 6, 32, 10, 40


def term_chart(meetings: list[MeetingSummary], *, zone_name: str) -> dict:
    """Rectangles and labels for ``classrooms/_attendance_chart.html``."""
    zone = zoneinfo.ZoneInfo(zone_name)
    most = max((len(meeting.rows) for meeting in meetings), default=0) or 1
    bars = []
    for index, meeting in enumerate(meetings):
        x = LEFT + index * (BAR + GAP)
        y = TOP + HEIGHT
        segments = []
        for status, count in meeting.counts.items():
            if not count:
                continue
            height = HEIGHT * count / most
            y -= height
            segments.append(
                {
                    "y": round(y, 1),
                    "height": round(height, 1),
                    "colour": COLOURS[status],
                    "label": STATUS_LABELS[status],
                    "count": count,
                }
            )
        bars.append(
            {
                "x": x,
                "segments": segments,
                "label": meeting.occurrence.start.astimezone(zone).strftime("%d/%m"),
            }
        )
    width = LEFT + max(len(meetings), 1) * (BAR + GAP) + 10
    legend = [
        {"x": LEFT + index * 110, "colour": COLOURS[status], "label": label}
        for index, (status, label) in enumerate(STATUS_LABELS.items())
    ]
    return {
        "width": max(width, LEFT + 4 * 110),
        "height": TOP + HEIGHT + BOTTOM,
        "bars": bars,
        "most": most,
        "axis_y": TOP + HEIGHT,
        "legend_y": TOP + HEIGHT + 28,
        "label_y": TOP + HEIGHT + 12,
        "top": TOP,
        "left": LEFT,
        "bar": BAR,
        "legend": legend,
    }
