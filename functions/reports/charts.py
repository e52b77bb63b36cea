"""Small server-rendered SVG charts (no script, no fonts fetched): a title, a description that
carries every figure for screen readers, and bars laid out for a 360 px phone. Each chart's ids
derive from `ident`, so several charts on one page do not share an id. The page shows the same
figures in a table beside each chart."""

from __future__ import annotations

from html import escape

_WIDTH, _PAD, _ROW, _BAR_MAX = 360, 8, 40, 200
# Colours that keep 3:1 against white and apart from each other; the legend names them in words.
PALETTE = ("#1565c0", "#b71c1c", "#e65100", "#2e7d32", "#6a1b9a", "#00695c")


def _open(ident: str, title: str, desc: str, height: int, width: int = _WIDTH) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" viewBox="0 0 {width} {height}" '
            f'aria-labelledby="{ident}-title {ident}-desc" font-family="sans-serif" font-size="14">',
            f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(desc)}</desc>']


def _number(value: float | None, suffix: str) -> str:
    if value is None:
        return "暂无"
    return f"{value:g}{suffix}" if suffix != "%" else f"{value:.1f}%"


def rate_chart_svg(title: str, rows: list[tuple[str, float | None]], ident: str = "chart", width: int = _WIDTH) -> str:
    """Horizontal bars of percentages (None: no data, drawn as "暂无")."""
    return bar_chart_svg(title, rows, maximum=100, suffix="%", ident=ident, width=width)


def bar_chart_svg(title: str, rows: list[tuple[str, float | None]], maximum: float | None = None, suffix: str = "",
                  ident: str = "chart", width: int = _WIDTH) -> str:
    """Horizontal bars of values (days, counts); the longest bar is `maximum` (default the largest).
    A narrower `width` (the viewBox; bars keep their length) draws the text larger on a phone."""
    top = maximum or max((v for _, v in rows if v is not None), default=0) or 1
    height = _PAD * 2 + _ROW * max(1, len(rows))
    out = _open(ident, title, "；".join(f"{name}：{_number(value, suffix)}" for name, value in rows), height, width)
    for i, (name, value) in enumerate(rows):
        y = _PAD + i * _ROW
        bar = 0 if value is None else round(_BAR_MAX * min(value, top) / top, 1)
        out.append(f'<text x="{_PAD}" y="{y + 14}" fill="#222">{escape(name)}</text>'
                   f'<rect x="{_PAD}" y="{y + 19}" width="{bar}" height="14" fill="#b71c1c"/>'
                   f'<text x="{_PAD + bar + 6}" y="{y + 31}" fill="#222" font-size="13">{_number(value, suffix)}</text>')
    out.append("</svg>")
    return "".join(out)


def paired_bar_chart_svg(title: str, rows: list[tuple[str, float | None, float | None]], names: tuple[str, str],
                         suffix: str = "", ident: str = "chart", width: int = 300) -> str:
    """Two bars per row (e.g. median and 90th percentile of days), with a legend."""
    top = max((v for _, a, b in rows for v in (a, b) if v is not None), default=0) or 1
    row = 60
    height = _PAD * 2 + 28 + row * max(1, len(rows))
    desc = "；".join(f"{name}：{names[0]}{_number(a, suffix)}，{names[1]}{_number(b, suffix)}" for name, a, b in rows)
    out = _open(ident, title, desc, height, width)
    out.append(_legend(names, _PAD + 14, width=width))
    for i, (name, *values) in enumerate(rows):
        y = _PAD + 28 + i * row
        out.append(f'<text x="{_PAD}" y="{y + 15}" fill="#222" font-size="15">{escape(name)}</text>')
        for j, value in enumerate(values):
            bar = 0 if value is None else round(_BAR_MAX * value / top, 1)
            bar_y = y + 21 + j * 18
            out.append(f'<rect x="{_PAD}" y="{bar_y}" width="{bar}" height="15" fill="{PALETTE[j]}"/>'
                       f'<text x="{_PAD + bar + 6}" y="{bar_y + 13}" fill="#222">{_number(value, suffix)}</text>')
    out.append("</svg>")
    return "".join(out)


def stacked_column_chart_svg(title: str, columns: list[str], series: list[tuple[str, list[int]]],
                             ident: str = "chart") -> str:
    """One column per period (months), stacked by series (kinds), with totals on top and a legend."""
    totals = [sum(values[i] for _, values in series) for i in range(len(columns))]
    top = max(totals, default=0) or 1
    left, base, plot = 28, 190, 150
    step = (_WIDTH - left - _PAD) / max(1, len(columns))
    width = max(2.0, round(step * 0.7, 1))
    legend_rows = -(-len(series) // 2)
    height = base + 44 + 20 * legend_rows
    desc = "；".join(f"{column}：共{totals[i]}件（" + "，".join(f"{name}{values[i]}" for name, values in series) + "）"
                     for i, column in enumerate(columns))
    out = _open(ident, title, desc, height)
    out.append(f'<line x1="{left}" y1="{base}" x2="{_WIDTH - _PAD}" y2="{base}" stroke="#888"/>'
               f'<text x="{left - 4}" y="{base - plot + 5}" fill="#555" font-size="13" text-anchor="end">{top}</text>'
               f'<text x="{left - 4}" y="{base + 5}" fill="#555" font-size="13" text-anchor="end">0</text>')
    label_every = max(1, -(-len(columns) // 6))
    for i, column in enumerate(columns):
        x = round(left + i * step + (step - width) / 2, 1)
        y = base
        for j, (_, values) in enumerate(series):
            h = round(plot * values[i] / top, 1)
            if h:
                y = round(y - h, 1)
                out.append(f'<rect x="{x}" y="{y}" width="{width}" height="{h}" fill="{PALETTE[j % len(PALETTE)]}"/>')
        if totals[i]:
            out.append(f'<text x="{x + width / 2}" y="{y - 4}" fill="#222" text-anchor="middle">{totals[i]}</text>')
        if i % label_every == 0:
            out.append(f'<text x="{x + width / 2}" y="{base + 18}" fill="#222" text-anchor="middle">'
                       f'{escape(column)}</text>')
    out.append(_legend([name for name, _ in series], base + 42))
    out.append("</svg>")
    return "".join(out)


def sparkline_svg(title: str, values: list[int], ident: str) -> str:
    """A row's trend as tiny columns (for a table cell); the numbers are in the row itself."""
    top = max(values, default=0) or 1
    step = 96 / max(1, len(values))
    bars = "".join(f'<rect x="{round(i * step, 1)}" y="{round(24 - 22 * v / top, 1)}" width="{round(step * 0.7, 1)}" '
                   f'height="{round(22 * v / top, 1)}" fill="#1565c0"/>' for i, v in enumerate(values) if v)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="96" height="24" viewBox="0 0 96 24" '
            f'aria-labelledby="{ident}-title"><title id="{ident}-title">{escape(title)}</title>{bars}</svg>')


def _legend(names, y: int, per_row: int = 2, width: int = _WIDTH) -> str:
    width = (width - 2 * _PAD) / per_row
    items = []
    for i, name in enumerate(names):
        x = _PAD + (i % per_row) * width
        row_y = y + (i // per_row) * 18
        items.append(f'<rect x="{round(x, 1)}" y="{row_y - 11}" width="14" height="14" fill="{PALETTE[i % len(PALETTE)]}"/>'
                     f'<text x="{round(x + 18, 1)}" y="{row_y + 1}" fill="#222">{escape(name)}</text>')
    return "".join(items)
