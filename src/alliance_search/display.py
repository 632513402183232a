"""Rendering results: terminal text (with or without colour), HTML for notebooks, pandas."""

from __future__ import annotations

import html
import importlib
import re
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ._errors import MissingExtraError
from .corpus import issue_number
from .results import MARK_CLOSE, MARK_OPEN, mark, shortened

if TYPE_CHECKING:
    import pandas as pd

    from .concepts import Thesaurus
    from .results import Hit, Results

__all__ = [
    "facets_frame",
    "format_hit",
    "format_results",
    "hits_html",
    "require",
    "results_html",
    "to_pandas",
    "to_ris",
]


def require(module: str, feature: str, extra: str = "notebook") -> Any:
    """Import an optional dependency, or raise :class:`MissingExtraError` saying what to install.

    >>> require("pandas", "to_pandas()").__name__
    'pandas'
    >>> try:
    ...     require("module_absent", "plot_concepts()")
    ... except ImportError as erreur:
    ...     print(erreur)
    plot_concepts() needs module_absent: pip install 'alliance-search[notebook]'
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        package = module.partition(".")[0]
        raise MissingExtraError(
            f"{feature} needs {package}: pip install 'alliance-search[{extra}]'"
        ) from None


_BOLD, _DIM, _HIGHLIGHT, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[1;33m", "\x1b[0m"


#: Any one whitespace character (a line break in a snippet, shown on one line).
_ANY_SPACE = re.compile(r"\s")


def _explain_line(hit: Hit) -> str:
    return "; ".join(str(match) for match in hit.explanation)


def format_hit(hit: Hit, *, color: bool = False, width: int = 100) -> str:
    """One hit as a few lines of terminal text."""
    bold, dim, reset = (_BOLD, _DIM, _RESET) if color else ("", "", "")
    section = f" [{hit.section}]" if hit.section else ""
    score = f"score {hit.score:.2f}  " if hit.score else ""  # none in a listing
    meta = f"{dim}{score}id {hit.id}{reset}"
    title = " ".join(hit.title.split())  # a title may hold line breaks (pasted PDFs)
    head = f"{hit.rank:>2}. {bold}{title}{reset}{section}  {meta}"
    indent = "    "
    if hit.article.authors:
        head += f"\n{indent}{', '.join(hit.article.authors)}"
    if color:
        text = _ANY_SPACE.sub(" ", hit.snippet_text)  # one for one: the spans still fit
        body = mark(text, hit.snippet_spans, _HIGHLIGHT, _RESET)
        lines = [indent + body]
    else:
        # Plain text: the text's own asterisks stay as written (Hit.snippet escapes them).
        body = mark(hit.snippet_text, hit.snippet_spans, MARK_OPEN, MARK_CLOSE)
        lines = textwrap.wrap(body, width=width, initial_indent=indent, subsequent_indent=indent)
    why = _explain_line(hit)
    if why:
        lines += textwrap.wrap(
            f"matched: {why}",
            width=width,
            initial_indent=indent,
            subsequent_indent=indent + "  ",
            break_on_hyphens=False,  # concept ids (etat-limite) and words stay whole
        )
        if color:
            lines = lines[:-1] + [f"{dim}{line}{reset}" for line in lines[-1:]]
    return "\n".join([head, *lines])


def _header(results: Results) -> str:
    """*3 of 12 articles for «démence»*; without «» for a search of concepts or
    filters alone (an empty query)."""
    head = f"{len(results)} of {results.total} article{'' if results.total == 1 else 's'}"
    return f"{head} for «{shortened(results.query)}»" if results.query.strip() else head


def format_results(results: Results, *, color: bool = False, width: int = 100) -> str:
    """All hits as terminal text, with a header line and any suggestion or note."""
    head = _header(results)
    lines = [head, *notes_lines(results)]
    blocks = [format_hit(hit, color=color, width=width) for hit in results]
    return "\n\n".join(["\n".join(lines), *blocks])


# The doubled class outranks JupyterLab's ":not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td"
# (right-aligned, vertically centred cells), which would otherwise win.
_STYLE = """<style>
.als-results{border-collapse:collapse;font-family:system-ui,sans-serif;font-size:13px}
.als-results.als-results th{text-align:left;border-bottom:2px solid #888;padding:4px 8px}
.als-results.als-results td{vertical-align:top;border-bottom:1px solid #ddd;padding:4px 8px;
text-align:left}
.als-bar{background:#e8e8e8;width:80px;height:8px;border-radius:4px}
.als-bar>div{background:#4a7bd0;height:8px;border-radius:4px}
.als-results mark{background:#ffe98a;padding:0 1px}
.als-id{color:#777;font-size:11px}
.als-authors{color:#444;font-size:12px}
.als-why{color:#555;font-size:11px}
.als-why summary{cursor:pointer;color:#4a7bd0}
</style>"""


_WHY_SHOWN = 3  # explanation lines shown in a row; more fold under "N more"


def _hit_row(hit: Hit, top: float) -> str:
    e = html.escape
    width = 0 if top <= 0 else max(2, round(80 * hit.score / top))
    snippet = mark(hit.snippet_text, hit.snippet_spans, "<mark>", "</mark>", escape=e)
    matches = sorted(hit.explanation, key=lambda m: m.concept is None)  # concepts first
    lines = [
        e(
            f"{m.query} → {m.field} «{m.found}» ({m.route}"
            + (f", {m.concept})" if m.concept else ")")
        )
        for m in matches
    ]
    names = ", ".join(hit.article.authors)
    authors = f"<div class='als-authors'>{e(names)}</div>" if names else ""
    why = "<br>".join(lines[:_WHY_SHOWN])
    if len(lines) > _WHY_SHOWN + 1:
        hidden = lines[_WHY_SHOWN:]
        why += f"<details><summary>{len(hidden)} more</summary>{'<br>'.join(hidden)}</details>"
    elif len(lines) > _WHY_SHOWN:
        why += "<br>" + lines[-1]
    return (
        f"<tr><td>{hit.rank}</td>"
        f"<td>{hit.score:.2f}<div class='als-bar'><div style='width:{width}px'></div></div></td>"
        f"<td><b>{e(hit.title)}</b>{authors}<div class='als-id'>{e(hit.id)}</div></td>"
        f"<td>{e(hit.section)}</td><td>{snippet}</td><td class='als-why'>{why}</td></tr>"
    )


def hits_html(hits: Sequence[Hit], caption: str = "") -> str:
    """An HTML table of hits; every document and query string is escaped."""
    top = max((h.score for h in hits), default=0.0)
    rows = "".join(_hit_row(h, top) for h in hits)
    cap = f"<caption style='text-align:left'>{html.escape(caption)}</caption>" if caption else ""
    return (
        f"{_STYLE}<table class='als-results'>{cap}<thead><tr><th>#</th><th>score</th>"
        "<th>title</th><th>section</th><th>snippet</th><th>why</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def results_html(results: Results) -> str:
    """The HTML shown for :class:`Results` in Jupyter."""
    caption = _header(results)
    if results.corrected:
        caption += f" — showing results for «{results.corrected}»"
    if results.suggestion:
        caption += f" — did you mean «{results.suggestion}»?"
    if results.notes:  # what was set aside, narrowed, excluded or required
        caption += " — " + "; ".join(results.notes)
    caption += "".join(" — " + line for line in _nearby_line(results))
    return hits_html(results.hits, caption)


def notes_lines(results: Results) -> list[str]:
    """What the terminal says of a search besides its hits: the correction searched,
    a spelling suggestion, the notes, and nearby concepts when nothing matched the
    query (limit=0 shows none of many)."""
    lines = []
    if results.corrected:
        lines.append(f"Showing results for: {results.corrected}")
    if results.suggestion:
        lines.append(f"Did you mean: {results.suggestion.rstrip(' ?')}?")
    lines.extend(f"note: {note}" for note in results.notes)
    lines.extend(_nearby_line(results))
    return lines


def _nearby_line(results: Results) -> list[str]:
    """Where to go when nothing matched the query itself (limit=0 shows none of many;
    a broadened search shows its broader concept): nearby concepts that articles name."""
    if (results.total and not results.broadened) or not results.nearby:
        return []
    shown = ", ".join(f"{concept.label} ({n})" for concept, n in results.nearby)
    return [f"nearby concepts with articles: {shown}"]


def to_ris(hits: Sequence[Hit]) -> str:
    """Hits as RIS records, one per article, best first (``TY  - JOUR`` … ``ER  - ``),
    which reference managers such as Zotero, EndNote or Mendeley import: title,
    authors, journal, issue, year, section, keywords, abstract, link and id, the empty
    ones left out.

    Line breaks inside a field become spaces, since RIS reads one line per tag."""
    lines: list[str] = []

    def tag(name: str, value: object) -> None:
        text = " ".join(str(value).split())
        if text:
            lines.append(f"{name}  - {text}")

    for hit in hits:
        article = hit.article
        tag("TY", "JOUR")
        tag("TI", article.title)
        for author in article.authors:
            tag("AU", _surname_first(author))
        tag("T2", article.journal)
        tag("IS", issue_number(article.issue))
        tag("PY", article.year or "")
        tag("SE", article.section)
        for keyword in article.keywords:
            tag("KW", keyword)
        tag("AB", article.summary)
        tag("UR", article.url)
        tag("ID", article.id)
        lines.append("ER  - ")
    return "\n".join(lines) + ("\n" if lines else "")


#: Words that start a surname (*Inès de La Salle*, *Jan van Gogh*).
_PARTICLES = frozenset(
    {"de", "du", "des", "d'", "d’", "van", "von", "der", "den", "di", "da", "del"}
)


def _surname_first(name: str) -> str:
    """A name as RIS writes it, surname first: *Marie-Hélène Durand* → *Durand,
    Marie-Hélène*, *Inès de La Salle* → *de La Salle, Inès*; one word or a name
    with a comma stays as written."""
    words = name.split()
    if "," in name or len(words) < 2:
        return name
    start = len(words) - 1
    for i in range(1, len(words) - 1):
        if words[i].lower() in _PARTICLES or words[i].lower().startswith(("d'", "d’")):
            start = i
            break
    return f"{' '.join(words[start:])}, {' '.join(words[:start])}"


def to_pandas(results: Results) -> pd.DataFrame:
    """The hits as a DataFrame (columns rank, id, title, section, score, snippet, ...)."""
    pd = require("pandas", "to_pandas()")
    rows = []
    for hit in results:
        row = hit.to_dict()
        row["explanation"] = _explain_line(hit)
        row["concepts"] = ", ".join(hit.concepts)
        row["authors"] = ", ".join(hit.article.authors)
        rows.append(row)
    columns = [
        "rank",
        "id",
        "title",
        "section",
        "score",
        "snippet",
        "concepts",
        "explanation",
        "year",
        "journal",
        "authors",
        "url",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["year"] = frame["year"].astype("Int64")  # whole years, <NA> where missing
    return frame


FACET_KINDS = ("concepts", "sections")


def facets_frame(results: Results, thesaurus: Thesaurus | None = None) -> pd.DataFrame:
    """The facets of ``results`` as a tidy DataFrame: kind, value, label, articles.

    ``kind`` is ``concepts`` or ``sections`` (the keys of :meth:`Results.facets`),
    ``value`` the concept id or section name, ``label`` the concept's French label
    (from ``thesaurus``, by default the bundled one) and ``articles`` how many
    matching articles have it; most frequent first within each kind.

    >>> frame = facets_frame(index.search("TPB"))
    >>> frame.loc[frame.value == "etat-limite", ["label", "articles"]].values.tolist()
    [['état limite', 1]]
    """
    pd = require("pandas", "facets_frame()")
    thesaurus = thesaurus or results.thesaurus
    if thesaurus is None:
        from .concepts import default_thesaurus

        thesaurus = default_thesaurus()
    rows = []
    for kind, counts in results.facets().items():
        for value, articles in counts.items():
            concept = thesaurus.concepts.get(value) if kind == "concepts" else None
            label = concept.label if concept else value
            rows.append((kind, value, label, articles))
    frame = pd.DataFrame(rows, columns=["kind", "value", "label", "articles"])
    return frame.astype({"articles": "int64"})
