"""The comparison report: plots plus report.html (self-contained, plots embedded as base64
PNG) and report.md (referring to the PNG files) in the comparison folder.

`render(DIR)` reports on DIR if it holds compare.json, else on every subfolder that does, and
then also writes a combined report in DIR with one section per pair.
"""

from __future__ import annotations

import base64
import html
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt

from . import figures
from .comparison import Comparison, find_comparisons, number, read_comparison
from .results import provenance

QUESTION = (
    "What does each model of local social-economy partnership achieve, for whom and at what public cost, "
    "and what changes if one partnership is run under the other's model? The two scenarios are simulated "
    "with the same random numbers replicate by replicate (common random numbers), so the paired difference "
    "of an outcome is due to the scenarios, not to chance."
)


def format_number(value) -> str:
    """A compare.json number as the report prints it: thin-space thousands groups, about three
    significant digits for small numbers, "n/a" for null/NaN."""
    x = number(value)
    if math.isnan(x):
        return "n/a"
    if x == 0:
        return "0"
    magnitude = abs(x)
    if magnitude >= 100:
        text = f"{x:,.0f}"
    elif magnitude >= 10:
        text = f"{x:,.1f}"
    elif magnitude >= 1:
        text = f"{x:.2f}"
    else:
        text = f"{x:.3g}"
    return text.replace(",", "\u2009").replace("-", "\u2212")


def _interval(stats: dict) -> str:
    return f"[{format_number(stats.get('ci_low'))}, {format_number(stats.get('ci_high'))}]"


def interval_cell(stats: dict, replicates) -> str:
    """The CI as the outcome table shows it, with "(n=k)" when only k of the replicates had a
    defined value."""
    text = _interval(stats)
    n = stats.get("n")
    if isinstance(n, int) and isinstance(replicates, int) and n < replicates:
        text += f" (n={n})"
    return text


def verdict(difference: dict) -> str:
    """"higher" or "lower" (B vs A) when the 95% CI of the paired difference excludes 0,
    "no clear difference" when it contains 0, "undetermined" when there is no interval."""
    low, high = number(difference.get("ci_low")), number(difference.get("ci_high"))
    if math.isnan(low) or math.isnan(high):
        return "undetermined"
    if low > 0:
        return "higher"
    if high < 0:
        return "lower"
    return "no clear difference"


@dataclass
class Section:
    """Everything one comparison contributes to a report."""

    comparison: Comparison
    plots: list[dict] = field(default_factory=list)  # stem, title, caption, png, svg (paths)


def _end_month(start: str, steps: int) -> str:
    year, month = (int(p) for p in start.split("-"))
    total = year * 12 + (month - 1) + steps - 1
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def _scenario_rows(c: Comparison) -> list[dict[str, str]]:
    rows = []
    for s in c.scenarios:
        meta = provenance(s.result_file)
        rows.append({
            "key": s.key.upper(),
            "name": s.name,
            "description": str(meta.get("scenario_description", "")),
            "scenario_file": s.scenario_file,
            "result_file": s.result_file.name,
            "period": f"{s.start} to {_end_month(s.start, s.steps)} ({s.steps} months)",
            "replicates": str(meta.get("replicates", "")),
            "seed": str(meta.get("seed", "")),
        })
    return rows


def _amount(value: float, unit: str) -> str:
    """An absolute difference with its unit, shares as percentage points."""
    if unit == "share":
        return f"{format_number(abs(value) * 100.0)} percentage points"
    return f"{format_number(abs(value))} {unit}".rstrip()


def _findings(c: Comparison) -> list[str]:
    """Plain-language sentences: one per clearly non-zero difference, then the rest listed."""
    clear, unclear, undetermined = [], [], []
    for outcome in c.outcomes:
        diff = outcome.get("difference") or {}
        unit = outcome.get("unit", "")
        label = outcome.get("label") or outcome.get("name", "")
        what = verdict(diff)
        if what in ("higher", "lower"):
            if unit == "share":  # shares read more easily as percentage points
                scaled = {key: number(diff.get(key)) * 100.0 for key in ("ci_low", "ci_high")}
                interval = f"{_interval(scaled)} percentage points"
            else:
                interval = f"{_interval(diff)} {unit}".rstrip()
            clear.append(f"{label}: B is {what} than A by {_amount(number(diff.get('mean')), unit)} on average "
                         f"(95% CI of the paired difference B \u2212 A: {interval}).")
        elif what == "no clear difference":
            unclear.append(label)
        else:
            undetermined.append(label)
    a, b = c.scenarios
    intro = (f"A is {a.name}; B is {b.name}. A difference is called clear when the 95% confidence interval of "
             "the paired difference B \u2212 A excludes zero.")
    sentences = [intro] + (clear or ["No outcome differs clearly between the scenarios."])
    if unclear:
        sentences.append("No clear difference (the 95% CI of the paired difference contains zero): "
                         + "; ".join(unclear) + ".")
    if undetermined:
        sentences.append("Not determined (no confidence interval, e.g. a single replicate or an undefined "
                         "outcome): " + "; ".join(undetermined) + ".")
    return sentences


def _period_note(c: Comparison) -> str:
    """A warning when the scenarios cover different months ("" when they cover the same)."""
    a, b = c.scenarios
    if (a.start, a.steps) == (b.start, b.steps):
        return ""
    return (f"The scenarios cover different months (A: {a.start} to {_end_month(a.start, a.steps)}, B: {b.start} to "
            f"{_end_month(b.start, b.steps)}): outcomes \u201cat the end\u201d compare different months, and totals "
            "over the run cover periods of different length. The plots use calendar months.")


def _reproduce(c: Comparison) -> list[str]:
    command = c.info.get("command") or "partnersim compare " + " ".join(s.scenario_file for s in c.scenarios) \
        + f" -o {c.folder}"
    return [command, f"/usr/bin/python3 -m analysis report {c.folder}"]


def make_plots(c: Comparison) -> list[dict]:
    """Draws every plot of `figures.ALL` into the comparison folder (PNG and SVG), and those of
    `figures.PAIRED` when the two scenarios share random numbers."""
    made = []
    draws = list(figures.ALL)
    if c.info.get("common_random_numbers") is True and len(c.scenarios) == 2:
        draws += figures.PAIRED
    for draw in draws:
        plot = draw(c.labels)
        try:
            paths = plot.save(c.folder)
        finally:
            plt.close(plot.figure)
        made.append({"stem": plot.stem, "title": plot.title, "caption": plot.caption, **paths})
    return made


# ---- Markdown --------------------------------------------------------------------------------


def _md_escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _markdown(section: Section, level: int, image_prefix: str) -> list[str]:
    c = section.comparison
    a, b = c.scenarios
    h = "#" * level
    out = [f"{h} The question", "", QUESTION, ""]
    out += [f"{h} Scenarios", "", "| | scenario | scenario file | result file | period | replicates | seed |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for row in _scenario_rows(c):
        out.append(f"| {row['key']} | {_md_escape(row['name'])} | `{row['scenario_file']}` | `{row['result_file']}` | "
                   f"{row['period']} | {row['replicates']} | {row['seed']} |")
    out.append("")
    crn = "yes" if c.info.get("common_random_numbers") else "no"
    out.append(f"Common random numbers: **{crn}** (replicate r of A and of B use the same random streams). "
               f"partnersim {c.info.get('partnersim_version', '?')}, compared {c.info.get('created', '?')}.")
    out.append("")
    if _period_note(c):
        out += [f"**Note.** {_period_note(c)}", ""]
    for row in _scenario_rows(c):
        if row["description"]:
            out.append(f"- **{row['key']}, {row['name']}**: {row['description']}")
    out += ["", f"{h} Outcomes", "",
            f"Mean over replicates with its 95% confidence interval (Student t); the difference is B \u2212 A, "
            f"paired by replicate; (n=k): only k replicates had a defined value. A = {a.name}; B = {b.name}.", "",
            "| outcome | unit | A mean [95% CI] | B mean [95% CI] | B \u2212 A [95% CI] | |",
            "| --- | --- | --- | --- | --- | --- |"]
    replicates = c.info.get("replicates")
    for o in c.outcomes:
        sa, sb, sd = o.get("a") or {}, o.get("b") or {}, o.get("difference") or {}
        mark = {"higher": "B higher", "lower": "B lower"}.get(verdict(sd), "")
        out.append(f"| {_md_escape(o.get('label') or o.get('name'))} | {_md_escape(o.get('unit', ''))} | "
                   f"{format_number(sa.get('mean'))} {interval_cell(sa, replicates)} | "
                   f"{format_number(sb.get('mean'))} {interval_cell(sb, replicates)} | "
                   f"{format_number(sd.get('mean'))} {interval_cell(sd, replicates)} | {mark} |")
    out += ["", f"{h} What differs", ""]
    out += [f"- {s}" for s in _findings(c)]
    out += ["", f"{h} Plots", ""]
    for p in section.plots:
        out += [f"{h}# {p['title']}", "", f"![{p['title']}]({image_prefix}{p['png'].name})", "",
                f"{p['caption']} (Vector version: [{p['svg'].name}]({image_prefix}{p['svg'].name}).)", ""]
    out += [f"{h} Reproduce", "", "```sh", *_reproduce(c), "```", ""]
    return out


# ---- HTML ------------------------------------------------------------------------------------

CSS = """
body { font-family: system-ui, sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222;
       line-height: 1.45; }
h1 { font-size: 1.7em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.clear td { background: #fff6d8; }
figure { margin: 1.5em 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: 0.92em; color: #444; }
code, pre { background: #f4f4f4; padding: 0.1em 0.3em; } pre { padding: 0.6em; overflow-x: auto; }
.note { color: #555; font-size: 0.92em; }
"""


def _e(text) -> str:
    return html.escape(str(text))


def _html_section(section: Section, level: int) -> list[str]:
    c = section.comparison
    a, b = c.scenarios
    h, h2 = f"h{level}", f"h{level + 1}"
    out = [f"<{h}>The question</{h}>", f"<p>{_e(QUESTION)}</p>", f"<{h}>Scenarios</{h}>",
           "<table><tr><th></th><th>scenario</th><th>scenario file</th><th>result file</th><th>period</th>"
           "<th>replicates</th><th>seed</th></tr>"]
    for row in _scenario_rows(c):
        out.append(f"<tr><td>{_e(row['key'])}</td><td>{_e(row['name'])}</td><td><code>{_e(row['scenario_file'])}"
                   f"</code></td><td><code>{_e(row['result_file'])}</code></td><td>{_e(row['period'])}</td>"
                   f"<td class='num'>{_e(row['replicates'])}</td><td class='num'>{_e(row['seed'])}</td></tr>")
    out.append("</table>")
    crn = "yes" if c.info.get("common_random_numbers") else "no"
    out.append(f"<p>Common random numbers: <b>{crn}</b> (replicate r of A and of B use the same random streams). "
               f"partnersim {_e(c.info.get('partnersim_version', '?'))}, "
               f"compared {_e(c.info.get('created', '?'))}.</p>")
    if _period_note(c):
        out.append(f"<p><b>Note.</b> {_e(_period_note(c))}</p>")
    out.append("<ul>")
    for row in _scenario_rows(c):
        if row["description"]:
            out.append(f"<li><b>{_e(row['key'])}, {_e(row['name'])}</b>: {_e(row['description'])}</li>")
    out.append("</ul>")
    out += [f"<{h}>Outcomes</{h}>",
            f"<p>Mean over replicates with its 95% confidence interval (Student t); the difference is B \u2212 A, "
            f"paired by replicate; (n=k): only k replicates had a defined value. A = {_e(a.name)}; "
            f"B = {_e(b.name)}. Highlighted rows: the interval of the "
            f"difference excludes zero.</p>",
            "<table class='outcomes'><tr><th>outcome</th><th>unit</th><th>A mean</th><th>A 95% CI</th>"
            "<th>B mean</th><th>B 95% CI</th><th>B \u2212 A</th><th>95% CI of B \u2212 A</th><th></th></tr>"]
    replicates = c.info.get("replicates")
    for o in c.outcomes:
        sa, sb, sd = o.get("a") or {}, o.get("b") or {}, o.get("difference") or {}
        what = verdict(sd)
        mark = {"higher": "B higher", "lower": "B lower"}.get(what, "")
        cls = " class='clear'" if mark else ""
        title = _e(o.get("description", ""))
        out.append(f"<tr{cls}><td title='{title}'>{_e(o.get('label') or o.get('name'))}</td>"
                   f"<td>{_e(o.get('unit', ''))}</td>"
                   + "".join(f"<td class='num'>{format_number(x.get('mean'))}</td>"
                             f"<td class='num'>{interval_cell(x, replicates)}</td>" for x in (sa, sb, sd))
                   + f"<td>{mark}</td></tr>")
    out.append("</table>")
    out += [f"<{h}>What differs</{h}>", "<ul>"] + [f"<li>{_e(s)}</li>" for s in _findings(c)] + ["</ul>"]
    out.append(f"<{h}>Plots</{h}>")
    for p in section.plots:
        data = base64.b64encode(p["png"].read_bytes()).decode("ascii")
        out += [f"<{h2}>{_e(p['title'])}</{h2}>", "<figure>",
                f"<img alt='{_e(p['title'])}' src='data:image/png;base64,{data}'>",
                f"<figcaption>{_e(p['caption'])} Files: <code>{_e(p['png'].name)}</code>, "
                f"<code>{_e(p['svg'].name)}</code> in <code>{_e(c.folder)}</code>.</figcaption>", "</figure>"]
    out += [f"<{h}>Reproduce</{h}>", "<pre>" + _e("\n".join(_reproduce(c))) + "</pre>"]
    return out


def _html_page(title: str, body: list[str]) -> str:
    return "\n".join(["<!DOCTYPE html>", "<html lang='en'><head><meta charset='utf-8'>",
                      f"<title>{_e(title)}</title>", f"<style>{CSS}</style></head><body>", *body, "</body></html>", ""])


def _write(path: Path, text: str) -> None:
    """Writes via a temporary file and a rename, so a failed write leaves no half report."""
    tmp = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def render_comparison(folder: str | os.PathLike) -> Section:
    """Plots, report.html and report.md of one comparison folder."""
    c = read_comparison(folder)
    section = Section(c, make_plots(c))
    title = f"Comparison: {c.title}"
    _write(c.folder / "report.md", "\n".join([f"# {title}", "", *_markdown(section, 2, "")]))
    _write(c.folder / "report.html", _html_page(title, [f"<h1>{_e(title)}</h1>", *_html_section(section, 2)]))
    return section


def render(folder: str | os.PathLike) -> list[Path]:
    """Reports on `folder` (see the module doc); returns the HTML reports written, the
    combined one last."""
    folder = Path(folder)
    targets = find_comparisons(folder)
    for target in targets:  # check every folder before drawing anything
        read_comparison(target)
    sections = [render_comparison(t) for t in targets]
    written = [s.comparison.folder / "report.html" for s in sections]
    if targets == [folder]:
        return written
    title = "Comparisons: " + "; ".join(s.comparison.title for s in sections)
    md = [f"# Comparisons in {folder.name or folder}", "", f"{len(sections)} comparison(s), one section each. "
          "Each subfolder also has its own report.", "", f"Made by `/usr/bin/python3 -m analysis report {folder}`.", ""]
    body = [f"<h1>Comparisons in {_e(folder.name or folder)}</h1>",
            f"<p>{len(sections)} comparison(s), one section each. Each subfolder also has its own report. Made by "
            f"<code>/usr/bin/python3 -m analysis report {_e(folder)}</code>.</p><ul>"]
    body += [f"<li><a href='#pair-{i}'>{_e(s.comparison.title)}</a> (<code>{_e(s.comparison.folder.name)}/"
             f"</code>)</li>" for i, s in enumerate(sections)]
    body.append("</ul>")
    for i, s in enumerate(sections):
        sub = s.comparison.folder.relative_to(folder).as_posix()
        md += [f"## {s.comparison.title} (`{sub}/`)", "", *_markdown(s, 3, f"{sub}/")]
        body += [f"<h2 id='pair-{i}'>{_e(s.comparison.title)} (<code>{_e(sub)}/</code>)</h2>", *_html_section(s, 3)]
    _write(folder / "report.md", "\n".join(md))
    _write(folder / "report.html", _html_page(title, body))
    return written + [folder / "report.html"]

