"""Small server-rendered SVG charts (no script, no fonts fetched): a title, a description that
carries every figure for screen readers, and bars laid out for a 360 px phone."""

from __future__ import annotations

from html import escape

_WIDTH, _PAD, _ROW, _BAR_MAX = 360, 8, 40, 200


def rate_chart_svg(title: str, rows: list[tuple[str, float | None]]) -> str:
    """Horizontal bars of percentages (None: no data, drawn as "暂无")."""
    height = _PAD * 2 + _ROW * max(1, len(rows))
    desc = "；".join(f"{name}：{'暂无' if value is None else f'{value:.1f}%'}" for name, value in rows)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" viewBox="0 0 {_WIDTH} {height}" '
           f'aria-labelledby="chart-title chart-desc" font-family="sans-serif" font-size="14">',
           f'<title id="chart-title">{escape(title)}</title><desc id="chart-desc">{escape(desc)}</desc>']
    for i, (name, value) in enumerate(rows):
        top = _PAD + i * _ROW
        width = 0 if value is None else round(_BAR_MAX * min(value, 100) / 100, 1)
        label = "暂无" if value is None else f"{value:.1f}%"
        out.append(f'<text x="{_PAD}" y="{top + 14}" fill="#222">{escape(name)}</text>'
                   f'<rect x="{_PAD}" y="{top + 19}" width="{width}" height="14" fill="#b71c1c"/>'
                   f'<text x="{_PAD + width + 6}" y="{top + 31}" fill="#222" font-size="13">{label}</text>')
    out.append("</svg>")
    return "".join(out)
