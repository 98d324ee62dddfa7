"""The weekly share of visitors who allowed each optional purpose, and its SVG chart.

A visitor is a consent id; in each week, their last decision of that week counts. The
figures come from the exact per-day summary kept by `consent.summary`, so the page costs the
same at a thousand records or a million.
"""

import datetime

from django.utils import timezone

from . import summary
from .models import Purpose

COLOURS = ["#0f6e78", "#b3541e", "#5b3f8c", "#2f6b2f", "#8a1c1c"]
WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 16, 48


def optional_purposes():
    return list(Purpose.objects.filter(required=False))


def weekly_shares(weeks=12, today=None, language=None):
    """The last `weeks` weeks, oldest first, from the per-day summary (never the records):
    the share of visitors allowing each purpose, of those asked in `language` (or all)."""
    today = today or timezone.localdate()
    first = today - datetime.timedelta(days=today.weekday(), weeks=weeks - 1)
    totals = summary.weekly_totals(first, weeks, language)
    slugs = [purpose.slug for purpose in optional_purposes()]
    result = []
    for week, (visitors, allowed) in totals.items():
        shares = {
            slug: round(100 * allowed.get(slug, 0) / visitors, 1) if visitors else None
            for slug in slugs
        }
        result.append(
            {
                "start": week,
                "visitors": visitors,
                "shares": shares,
                "cells": [shares[slug] for slug in slugs],
            }
        )
    return result


def chart(weeks):
    """Coordinates for the template's SVG: one line per purpose, 0-100 % on the y axis."""
    purposes = optional_purposes()
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(weeks) - 1, 1)

    def x(index):
        return round(LEFT + index * step, 1)

    def y(percent):
        return round(TOP + plot_h * (1 - percent / 100), 1)

    lines = []
    for number, purpose in enumerate(purposes):
        points = [
            (x(index), y(week["shares"][purpose.slug]), week["shares"][purpose.slug])
            for index, week in enumerate(weeks)
            if week["shares"].get(purpose.slug) is not None
        ]
        lines.append(
            {
                "name": purpose.name,
                "colour": COLOURS[number % len(COLOURS)],
                "points": " ".join(f"{px},{py}" for px, py, _ in points),
                "dots": points,
                "legend_y": TOP + 14 + 18 * number,
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": TOP + plot_h,
        "lines": lines,
        "y_ticks": [(y(p), f"{p} %") for p in (0, 25, 50, 75, 100)],
        "x_labels": [(x(i), w["start"].strftime("%d %b")) for i, w in enumerate(weeks)],
        "label_y": TOP + plot_h + 20,
        "legend_x": LEFT + 12,
    }
