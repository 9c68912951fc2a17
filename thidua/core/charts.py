"""Chart.js configurations built in Python, so templates only emit data (json_script) and a canvas.

Pages draw charts with `static/js/charts.js`: `{{ config|json_script:"chart-x" }}` plus
`<canvas data-chart="chart-x">`, and `{% include "includes/charts.html" %}` once per page. No inline
script is needed (CSP), and the library is served from our own static files.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

PRIMARY, DANGER, SUCCESS, WARNING = "#0d6efd", "#dc3545", "#198754", "#fd7e14"
PALETTE = ["#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#6c757d", "#d63384", "#0dcaf0"]


def _num(value: Any) -> float | None:
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def bar_chart(
    labels: Sequence[str],
    datasets: Sequence[tuple[str, Sequence[Any]]],
    *,
    horizontal: bool = False,
    stacked: bool = False,
    y_title: str = "",
    colors: Sequence[str] | None = None,
) -> dict[str, Any]:
    palette = list(colors) if colors else PALETTE
    scales: dict[str, Any] = {"x": {"stacked": stacked}, "y": {"stacked": stacked, "beginAtZero": True}}
    if y_title:
        scales["x" if horizontal else "y"]["title"] = {"display": True, "text": y_title}
    return {
        "type": "bar",
        "data": {
            "labels": list(labels),
            "datasets": [
                {"label": label, "data": [_num(v) for v in values], "backgroundColor": palette[i % len(palette)]}
                for i, (label, values) in enumerate(datasets)
            ],
        },
        "options": {"indexAxis": "y" if horizontal else "x", "scales": scales},
    }


def radar_chart(labels: Sequence[str], datasets: Sequence[tuple[str, Sequence[Any]]]) -> dict[str, Any]:
    return {
        "type": "radar",
        "data": {
            "labels": list(labels),
            "datasets": [
                {
                    "label": label,
                    "data": [_num(v) for v in values],
                    "borderColor": PALETTE[i % len(PALETTE)],
                    "fill": False,
                }
                for i, (label, values) in enumerate(datasets)
            ],
        },
        "options": {"scales": {"r": {"beginAtZero": True}}},
    }


def doughnut_chart(labels: Sequence[str], values: Sequence[Any]) -> dict[str, Any]:
    return {
        "type": "doughnut",
        "data": {
            "labels": list(labels),
            "datasets": [{"data": [_num(v) for v in values], "backgroundColor": PALETTE[: len(values)]}],
        },
    }
