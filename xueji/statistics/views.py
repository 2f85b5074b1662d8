"""The dashboards: one page per node of the tree, every chart with its table and its .xlsx."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from xueji.audit import services as audit
from xueji.core.spreadsheets import xlsx_response
from xueji.web.pages import page

from . import selectors

LEVEL_LABELS = {"province": "省级", "city": "市级", "county": "县级", "school": "学校"}


def _link(code: str) -> str:
    return reverse("web:statistics:node", args=[code])


@page
def home(request):
    """The user's own dashboard: his division's, or his school's."""
    return node(request, None)


@page
def node(request, code):
    dash_node, figures = selectors.dashboard(request.user, code)
    wanted = request.GET.get("figure", "")
    if request.GET.get("format") == "xlsx":
        return _download(request, dash_node, figures, wanted)
    audit.record(request.user, "statistics.view", object_type="statistics", object_id=dash_node.code)
    crumbs = [{"label": name, "url": _link(c)} for c, name in dash_node.crumbs]
    crumbs.append({"label": dash_node.name, "url": ""})
    for figure in figures:
        figure.body = _table_body(figure)
    return render(request, "statistics/dashboard.html", {
        "node": dash_node, "figures": figures, "crumbs": crumbs, "level_label": LEVEL_LABELS[dash_node.level],
        "charts": {f.key: f.chart for f in figures},
    })


def _cell(value) -> str:
    return f"{value:,}" if isinstance(value, int) else escape(str(value))


def _table_body(figure) -> str:
    """The rows of a figure's table as HTML, built here: a dashboard has over a thousand cells, and the template
    engine would spend most of the page's time on them (every value is escaped or a formatted number)."""
    links = figure.links or [None] * len(figure.rows)
    lines = []
    for row, code in zip(figure.rows, links, strict=True):
        label = escape(str(row[0]))
        if code:
            label = f'<a href="{escape(_link(code))}">{label}</a>'
        lines.append(f"<tr><td>{label}</td>" + "".join(f'<td class="num">{_cell(v)}</td>' for v in row[1:])
                     + "</tr>")
    return mark_safe("".join(lines))  # noqa: S308 — every value above went through escape()


def _download(request, dash_node, figures, wanted):
    figure = next((f for f in figures if f.key == wanted), None)
    if figure is None:
        raise Http404(f"没有名为“{wanted[:40]}”的图表;请从统计页面上的“下载 .xlsx”链接下载")
    audit.record(request.user, "statistics.export", object_type="statistics", object_id=dash_node.code,
                 details={"figure": figure.key})
    return xlsx_response(f"{dash_node.name}-{figure.title}.xlsx", figure.title, figure.headers, figure.rows,
                         heading=f"{dash_node.name} · {figure.title}", text_columns=[0])
