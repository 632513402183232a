"""Corpus records: the :class:`Article` type, file loaders and the table-of-contents parser.

Supported inputs: JSON Lines (``.jsonl``), a JSON array (``.json``), CSV with a
header row (``.csv``, UTF-8), or a folder of such files. Every record is validated
before anything is indexed; the first problem raises :class:`CorpusError` naming
the file, the line and the field.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from unidecode import unidecode

from ._errors import AllianceSearchError, CorpusError

__all__ = [
    "CORPUS_SUFFIXES",
    "Article",
    "bundled_corpus_path",
    "iter_corpus",
    "load_corpus",
    "parse_issue_toc",
    "write_jsonl",
]

log = logging.getLogger(__name__)

CORPUS_SUFFIXES = (".jsonl", ".json", ".csv")
STRING_FIELDS = ("id", "title", "summary", "section", "dossier", "journal", "issue", "url")
LIST_FIELDS = ("authors", "keywords")
KNOWN_FIELDS = frozenset((*STRING_FIELDS, *LIST_FIELDS, "year"))
MAX_FIELD_CHARS = 1_000_000


@dataclass(frozen=True, slots=True)
class Article:
    """One article of a journal issue.

    >>> Article(id="sm-1", title="Alliance thérapeutique dans la démence").title
    'Alliance thérapeutique dans la démence'
    """

    id: str
    title: str
    summary: str = ""
    section: str = ""
    dossier: str = ""
    journal: str = ""
    issue: str = ""
    year: int | None = None
    authors: tuple[str, ...] = field(default_factory=tuple)
    keywords: tuple[str, ...] = field(default_factory=tuple)
    url: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the record as a JSON-ready dict, leaving out empty optional fields.

        >>> Article(id="sm-1", title="Soins psychiques aux précaires", year=2009).to_dict()
        {'id': 'sm-1', 'title': 'Soins psychiques aux précaires', 'summary': '', 'year': 2009}
        """
        record = asdict(self)
        record["authors"] = list(self.authors)
        record["keywords"] = list(self.keywords)
        return {
            k: v
            for k, v in record.items()
            if k in ("id", "title", "summary") or v not in ("", None, [])
        }

    @classmethod
    def from_mapping(
        cls,
        record: Mapping[str, Any],
        *,
        source: str = "<record>",
        line: int | None = None,
        unknown_fields: Counter[tuple[str, ...]] | None = None,
    ) -> Article:
        """Validate a raw record (from JSON or CSV) and build an :class:`Article`.

        >>> record = {"id": "sm-1", "title": "Soins psychiques aux précaires", "year": "2009"}
        >>> Article.from_mapping(record).year
        2009
        """

        def fail(message: str, name: str | None = None) -> CorpusError:
            return CorpusError(message, source=source, line=line, field=name)

        if not isinstance(record, Mapping):
            raise fail(f"expected an object with 'id' and 'title', got {type(record).__name__}")
        unknown = sorted(set(record) - KNOWN_FIELDS)
        if unknown and unknown_fields is not None:  # said once per file by its reader
            unknown_fields[tuple(unknown)] += 1
        elif unknown:
            log.warning(
                "%s, line %s: ignoring unknown field(s) %s", source, line, ", ".join(unknown)
            )
        values: dict[str, Any] = {}
        for name in STRING_FIELDS:
            value = record.get(name)
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise fail(f"must be a string, got {type(value).__name__} {value!r:.40}", name)
            if len(value) > MAX_FIELD_CHARS:
                raise fail(f"is {len(value):,} characters long (limit {MAX_FIELD_CHARS:,})", name)
            values[name] = value.strip()
        for name in ("id", "title"):
            if not values[name]:
                raise fail("is required and must not be empty", name)
        values["year"] = parse_year(record.get("year"), fail)
        for name in LIST_FIELDS:
            values[name] = _parse_list(record.get(name), name, fail)
        return cls(**values)


def checked(item: object, number: int) -> Article:
    """``item``, the ``number``-th of those given to index, as a valid :class:`Article`:
    an Article built in code is checked as a corpus record is (a non-empty id and
    title, a year, lists of strings: *keywords* given as one string is split at
    ``;``), and a mapping is read as one.

    >>> checked(Article(id="sm-1", title="Démence", keywords="alliance; soin"), 1).keywords
    ('alliance', 'soin')
    >>> checked(Article(id="", title="Sans id"), 2)
    Traceback (most recent call last):
    ...
    alliance_search._errors.CorpusError: article 2, field 'id': is required and must not be empty
    """
    source = f"article {number}"
    if isinstance(item, Article):
        record: Mapping[str, Any] = {name: getattr(item, name) for name in KNOWN_FIELDS}
        record = {
            name: list(value) if name in LIST_FIELDS and isinstance(value, tuple) else value
            for name, value in record.items()
        }
        return Article.from_mapping(record, source=source)
    if isinstance(item, Mapping):
        return Article.from_mapping(item, source=source)
    raise CorpusError(
        f"expected an Article or a mapping with 'id' and 'title', got {type(item).__name__} "
        f"{item!r:.40}",
        source=source,
    )


#: A year written as a float (*2009.0*), or NaN, as spreadsheets and pandas write them.
_WHOLE_FLOAT = re.compile(r"\d{4}\.0*|nan", re.IGNORECASE)


def parse_year(value: Any, fail: Any) -> int | None:
    """A record's year (an int, or digits), ``None`` if empty; ``fail(message, field)``
    makes the error to raise otherwise. A whole float (*2009.0*, as a spreadsheet or
    pandas writes years when some are missing) is its year, and NaN is empty."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise fail(f"must be a year such as 2009, got {value!r}", "year")
    if isinstance(value, str) and _WHOLE_FLOAT.fullmatch(value.strip()):
        value = float(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        year = value
    elif isinstance(value, str) and value.strip().isdigit():
        year = int(value.strip())
    else:
        raise fail(f"must be a year such as 2009, got {value!r:.40}", "year")
    if not 1000 <= year <= 2999:
        raise fail(f"must be a year such as 2009, got {year}", "year")
    return year


def _parse_list(value: Any, name: str, fail: Any) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(";") if part.strip())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    raise fail("must be a list of strings or a ';'-separated string", name)


# --------------------------------------------------------------------------- loading


def bundled_corpus_path() -> Path:
    """Return the folder of the corpus shipped with the package (the seed issue).

    >>> [p.name for p in bundled_corpus_path().glob("*.jsonl")]
    ['sante-mentale-alliance-therapeutique.jsonl']
    """
    packaged = resources.files("alliance_search").joinpath("corpus")
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / "corpus"
    if checkout.is_dir():
        return checkout
    raise CorpusError("the bundled corpus is missing from this installation")


def load_corpus(*paths: str | Path) -> list[Article]:
    """Load and validate articles from files or folders (JSONL, JSON array, CSV).

    Without argument, loads the bundled seed corpus. Ids must be unique across all
    the files given.

    >>> articles = load_corpus()
    >>> len(articles), articles[0].section
    (15, 'dossier')
    """
    return list(iter_corpus(*paths))


def iter_corpus(*paths: str | Path) -> Iterator[Article]:
    """Like :func:`load_corpus`, one article at a time: JSON Lines files are read line
    by line, so a large corpus is never held in memory. Errors are raised when the
    bad record is reached.

    >>> next(iter_corpus()).id
    'sm-l-alliance-therapeutique-en-question'
    """
    files: list[Path] = []
    for path in paths or (bundled_corpus_path(),):
        files.extend(corpus_files(Path(path), say_left_out=True))
    seen: dict[str, tuple[Path, int]] = {}
    count = 0
    for file in files:
        for line, article in _read_file(file):
            if article.id in seen:
                first, first_line = seen[article.id]
                raise CorpusError(
                    f"duplicate id {article.id!r} (first seen at {first}, line {first_line})",
                    source=str(file),
                    line=line,
                    field="id",
                )
            seen[article.id] = (file, line)
            count += 1
            yield article
    log.info("loaded %d articles from %d file(s)", count, len(files))


def corpus_files(path: Path, *, say_left_out: bool = False) -> list[Path]:
    """The corpus files a path names: itself, or the corpus files of a folder, hidden
    files and folders left out (``.ipynb_checkpoints``, ``.git``: copies and history,
    not the corpus). With ``say_left_out`` (when the files are read, not only checked
    or counted), a warning names the folder's text files left out."""
    if path.is_dir():
        visible = [
            p
            for p in path.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
        ]
        found = sorted(p for p in visible if p.suffix.lower() in CORPUS_SUFFIXES)
        # text files not yet parsed into a corpus file of the same name beside them
        parsed = {p.with_suffix("") for p in found}
        texts = [
            p
            for p in visible
            if p.suffix.lower() in (".txt", ".md") and p.with_suffix("") not in parsed
        ]
        if texts and say_left_out:
            log.warning(
                "%s: left out %d text file(s) such as %s; a table of contents in text "
                "becomes a corpus file with `alliance-search parse-toc FILE -o FILE.jsonl`",
                path,
                len(texts),
                texts[0].name,
            )
        if not found:
            raise CorpusError(
                f"no corpus file ({', '.join(CORPUS_SUFFIXES)}) in this folder", source=str(path)
            )
        return found
    if not path.exists():
        raise CorpusError("no such file or folder", source=str(path))
    if path.suffix.lower() not in CORPUS_SUFFIXES:
        raise CorpusError(
            f"unsupported file type {path.suffix or '(none)'!r}; "
            f"use one of {', '.join(CORPUS_SUFFIXES)}",
            source=str(path),
        )
    return [path]


def count_records(*paths: str | Path) -> int | None:
    """How many records the files hold, counted quickly (non-blank lines of JSON
    Lines files), or None when some file is of another kind or unreadable."""
    total = 0
    try:
        for path in paths:
            for file in corpus_files(Path(path)):
                if file.suffix.lower() != ".jsonl":
                    return None
                with file.open("rb") as stream:
                    total += sum(1 for line in stream if line.strip())
    except (OSError, CorpusError):
        return None
    return total


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read file: {exc.strerror}", source=str(path)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CorpusError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
            source=str(path),
            line=line,
        ) from None
    if not text.strip():
        raise CorpusError("the file is empty", source=str(path))
    return text


def _read_file(path: Path) -> Iterator[tuple[int, Article]]:
    source = str(path)
    suffix = path.suffix.lower()
    unknown: Counter[tuple[str, ...]] = Counter()
    if suffix == ".jsonl":
        yield from _jsonl_records(path, unknown)
    else:
        text = _read_text(path)
        found = False
        if suffix == ".json":
            for number, record in _json_array_items(text, source):
                found = True
                yield (
                    number,
                    Article.from_mapping(
                        record, source=source, line=number, unknown_fields=unknown
                    ),
                )
        else:
            for item in _csv_records(text, source, unknown):
                found = True
                yield item
        if not found:  # [] or a header row alone
            raise CorpusError("the file holds no records", source=source)
    for fields, count in unknown.items():  # once per file, not once per record
        records = "1 record" if count == 1 else f"{count:,} records"
        log.warning("%s: ignoring unknown field(s) %s (%s)", source, ", ".join(fields), records)


def _jsonl_records(
    path: Path, unknown: Counter[tuple[str, ...]] | None = None
) -> Iterator[tuple[int, Article]]:
    """Records of a JSON Lines file, read and decoded one line at a time."""
    source = str(path)
    found = False
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise CorpusError(f"cannot read file: {exc.strerror}", source=source) from None
    with stream:
        for number, data in enumerate(stream, 1):
            try:
                raw = data.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise CorpusError(
                    f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
                    source=source,
                    line=number,
                ) from None
            if not raw.strip():
                continue
            line = raw.rstrip("\r\n")  # a column counted on this line, not the next
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                where = (
                    "at the end of the line: a missing } or closing quote?"
                    if exc.pos >= len(line.rstrip())
                    else f"at column {exc.colno}"
                )
                raise CorpusError(
                    f"invalid JSON ({exc.msg} {where})", source=source, line=number
                ) from None
            found = True
            yield (
                number,
                Article.from_mapping(record, source=source, line=number, unknown_fields=unknown),
            )
    if not found:
        raise CorpusError("the file is empty", source=source)


def _json_array_items(text: str, source: str) -> Iterator[tuple[int, Any]]:
    """Yield ``(line, item)`` for each element of a top-level JSON array."""
    decoder = json.JSONDecoder()
    ws = re.compile(r"\s*")
    pos = ws.match(text).end()  # type: ignore[union-attr]
    if not text.startswith("[", pos):
        raise CorpusError("a .json corpus must be an array of objects", source=source, line=1)
    pos = ws.match(text, pos + 1).end()  # type: ignore[union-attr]
    if text.startswith("]", pos):
        return
    while True:
        line = text.count("\n", 0, pos) + 1
        try:
            item, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"invalid JSON ({exc.msg})", source=source, line=exc.lineno) from None
        yield line, item
        pos = ws.match(text, pos).end()  # type: ignore[union-attr]
        if text.startswith(",", pos):
            pos = ws.match(text, pos + 1).end()  # type: ignore[union-attr]
        elif text.startswith("]", pos):
            return
        else:
            raise CorpusError(
                "invalid JSON (expected ',' or ']')",
                source=source,
                line=text.count("\n", 0, pos) + 1,
            )


#: Cell separators of a CSV file: a comma, or the semicolon or tab that French
#: spreadsheets save with.
_CSV_DELIMITERS = ",;\t"
#: French names of the CSV columns (accents, case, spaces, hyphens and underscores
#: aside), as a spreadsheet written in French names them.
_FRENCH_COLUMNS = {
    "identifiant": "id",
    "titre": "title",
    "resume": "summary",
    "rubrique": "section",
    "revue": "journal",
    "numero": "issue",
    "annee": "year",
    "auteurs": "authors",
    "auteur": "authors",
    "mots cles": "keywords",
    "mot cle": "keywords",
    "lien": "url",
}


def _column(written: str) -> str:
    """The field a CSV column names: its own name (*title*), or its French name
    (*Titre*, *Résumé*, *mots-clés*, *Année*)."""
    name = written.strip().lower()
    folded = re.sub(r"[\s_-]+", " ", unidecode(name)).strip()
    return name if name in KNOWN_FIELDS else _FRENCH_COLUMNS.get(folded, name)


def _csv_records(
    text: str, source: str, unknown: Counter[tuple[str, ...]] | None = None
) -> Iterator[tuple[int, Article]]:
    first = text.split("\n", 1)[0]
    # the separator the header row uses most: *id;title;summary* from a French Excel
    delimiter = max(_CSV_DELIMITERS, key=first.count)
    if text.count('"') % 2:  # a quote left open swallows the rest of the file
        raise CorpusError(
            'a quoted cell is not closed (the file holds an odd number of ")',
            source=source,
            line=_open_quote_line(text),
        )
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [_column(h) for h in reader.fieldnames or []]
    for name in set(header) & KNOWN_FIELDS:
        same = [
            written for written, h in zip(reader.fieldnames or [], header, strict=True) if h == name
        ]
        if len(same) > 1:
            raise CorpusError(
                f"the CSV header row names the field {name!r} twice: {', '.join(map(repr, same))}",
                source=source,
                line=1,
            )
    missing = [name for name in ("id", "title") if name not in header]
    if missing:
        raise CorpusError(
            "the CSV header row must name the columns 'id' and 'title' (in French "
            "'identifiant' and 'titre') "
            f"(missing: {', '.join(missing)}; found: {', '.join(map(repr, header[:8]))})",
            source=source,
            line=1,
        )
    reader.fieldnames = header
    line = reader.line_num
    for row in reader:
        if None in row:
            raise CorpusError(
                f"this row has more cells than the header's {len(header)} columns",
                source=source,
                line=line + 1,
            )
        record = {k: v for k, v in row.items() if v is not None}
        yield (
            line + 1,
            Article.from_mapping(record, source=source, line=line + 1, unknown_fields=unknown),
        )
        line = reader.line_num


def _open_quote_line(text: str) -> int:
    """The line of a CSV text where the quote that is never closed opens."""
    opened, odd = 1, False
    for number, line in enumerate(text.splitlines(), 1):
        if line.count('"') % 2:
            odd = not odd
            if odd:
                opened = number
    return opened


def write_jsonl(articles: Iterable[Article], path: str | Path) -> None:
    """Write articles as JSON Lines, one record per line, text kept as written.

    >>> write_jsonl(load_corpus()[:2], tmp_path / "extrait.jsonl")
    >>> [a.title for a in load_corpus(tmp_path / "extrait.jsonl")]
    ["L'alliance thérapeutique en question", 'L’alliance thérapeutique, un concept controversé']
    """
    try:
        with open(path, "w", encoding="utf-8") as out:
            for article in articles:
                out.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")
    except OSError as exc:
        raise AllianceSearchError(f"{path}: cannot write ({exc.strerror or exc})") from None


# --------------------------------------------------------------------------- TOC parser

#: Lines that are neither titles nor summaries: headings of the contents, and what a
#: journal's site writes between its articles.
_SKIP_LINES = frozenset(
    {"sommaire", "au sommaire", "au sommaire de ce dossier", "au sommaire de ce numéro"}
    | {"lire la suite", "lire plus", "lire l'article", "lire l’article", "voir l'article"}
    | {"voir l’article", "article réservé aux abonnés", "réservé aux abonnés"}
    | {"accès libre", "accès abonnés", "télécharger", "télécharger le pdf", "ajouter au panier"}
)
#: The heading of the pages beyond the dossier, alone or before the first of their
#: titles: "Et aussi dans ce numéro", "Et aussi : Charcot, un crayon à la main",
#: "Rubriques".
_OTHER_SECTION = re.compile(
    r"^(?:(?:et\s+)?aussi(?:\s+dans\s+ce\s+num[ée]ro)?|[ée]galement\s+dans\s+ce\s+num[ée]ro"
    r"|dans\s+ce\s+num[ée]ro|rubriques)\s*(?:(?:[:…]|\.\.\.)\s*(?P<title>.*))?$",
    re.IGNORECASE,
)
#: The heading of a rubric, alone on its line: its articles are in a section of its
#: name (*Éditorial* → ``editorial``, *Lu pour vous* → ``lu-pour-vous``).
_RUBRIC = re.compile(
    r"^(?:[ée]ditorial|[ée]dito|actualit[ée]s?|actus|br[èe]ves|en\s+bref|lu\s+pour\s+vous"
    r"|[àa]\s+lire(?:\s+aussi)?|agenda|hors[-\s]dossier|chroniques?|courrier\s+des\s+lecteurs"
    r"|portraits?|carnet|notes?\s+de\s+lecture)\s*(?::\s*(?P<title>.*))?$",
    re.IGNORECASE,
)
#: A heading in capitals: one or two words alone on their line (*PRATIQUES*, *CULTURE*).
_CAPITAL_HEADING = re.compile(r"^[A-ZÀ-ÖØ-Þ]{4,}(?:\s+[A-ZÀ-ÖØ-Þ]{2,})?$")
#: A page number and a space before a title (*3 Éditorial*), read as one where at
#: least three lines start with a number: alone, it may be the title's (*2 Français
#: sur 3*).
_NUMBER_FIRST = re.compile(r"^\d{1,3}\s+(?=[^\W\d_]|[«“\"])")
#: The dossier's heading, alone ("DOSSIER") or before its title ("Dossier : …").
_DOSSIER_HEADING = re.compile(r"^dossier\s*(?:[:–—-]\s*(?P<title>\S.*)|:)?$", re.IGNORECASE)
#: A page number alone on its line (a copied PDF): the next line is a title.
_PAGE_ALONE = re.compile(
    r"^(?:(?:pp?\.?|pages?)\s*)?\d{1,3}(?:\s*[-–—]\s*\d{1,3})?$", re.IGNORECASE
)
#: Words a title does not end with: a line ending with one goes on on the next line,
#: even one starting with a capital (*mis en place au* / *Centre hospitalier…*).
_LINE_GOES_ON = frozenset(
    {"de", "du", "des", "le", "la", "les", "au", "aux", "à", "en", "et", "ou", "un", "une"}
    | {"pour", "par", "sur", "dans", "chez", "avec", "sans", "que", "qui", "son", "sa", "ses"}
    | {"leur", "leurs", "ce", "cette", "ces", "est", "sont", "se", "ne", "entre", "vers"}
)
_LAST_WORD = re.compile(r"(\w+)$")
#: A list mark before a line: "• ", "– ", "- ", "* ", "▸ ".
_BULLET = re.compile(r"^[•·▪▫◦‣►▸▶◆◇■□*>–—-]\s+")
#: A page number before a title: "p. 30 – ", "P.30 ", "Page 30 : ", "pp. 30-35 ",
#: "30 – ", "12. ", "30" and two spaces or a tab.
_PAGES = r"\d{1,4}(?:\s*(?:[-–—/]|à)\s*\d{1,4})?"
_PAGE_BEFORE = re.compile(
    rf"^(?:(?:pp?\.?|pages?)\s*{_PAGES}\s*[-–—:.,)]?\s*"
    rf"|\d{{1,3}}\s*[-–—.)]\s+|\d{{1,3}}(?:\s{{2,}}|\t)(?=\S))",
    re.IGNORECASE,
)
#: A page number after a title: " ..... 30", " … 30", ", p. 30", " – p. 30-35",
#: " (p. 30)", " page 30", " – 30", a tab and "30".
_PAGE_AFTER = re.compile(
    rf"(?:\s*(?:[.·]{{3,}}|…+)\s*(?:pp?\.?\s*)?{_PAGES}"
    rf"|(?:\s*[,–—-]\s*|\s+)(?:pp?\.|pages?)\s*{_PAGES}"
    rf"|\s*\((?:pp?\.?|pages?)\s*{_PAGES}\)"
    rf"|\s+[–—-]\s+\d{{1,3}}|\t+{_PAGES})$",
    re.IGNORECASE,
)
#: A line of authors: "Par Jean Dupont, infirmier, et Marie Martin", "Auteurs : …",
#: "Propos recueillis par …".
_AUTHORS = re.compile(
    r"^(?:(?:propos\s+recueillis\s+)?par\s+(?:(?:le|la)\s+(?=(?-i:D|P)))?"
    r"(?=(?:(?:dr|dre|pr|pre|docteure?|professeure?)\.?\s+)?(?-i:[A-ZÀ-ÖØ-Þ][\w'’.-]*\s+"
    r"(?:(?:de|du|des|van|von|le|la)\s+)?[A-ZÀ-ÖØ-Þ]))|auteur(?:e|s|es)?\s*:\s*)"
    r"(?P<names>.+)$",
    re.IGNORECASE,
)
#: A name and a profession: "Jean Dupont, psychiatre", "Dr Marie Martin (infirmière)".
_PROFESSION = (
    r"(?:(?:p[ée]do)?psychiatre|psychologue|psychanalyste|psychoth[ée]rapeute|infirmi[eè]re?"
    r"|cadre|m[ée]decin|[ée]ducat(?:eur|rice)|sociologue|philosophe|anthropologue"
    r"|psychomotricien(?:ne)?|ergoth[ée]rapeute|assistante?|orthophoniste|interne"
    r"|praticien(?:ne)?|professeure?|docteure?|chercheu(?:r|se)|directeur|directrice"
    r"|juriste|avocate?|magistrate?|neurologue|g[ée]riatre|pair[- ]aidante?|historien(?:ne)?"
    r"|art-?th[ée]rapeute|m[ée]diat(?:eur|rice)|ma[îi]tre|doctorante?|[ée]tudiante?|IDE|ISP"
    r"|sage-femme|travailleu(?:r|se)\s+social(?:e)?|p[ée]diatre|aide-soignante?"
    r"|patiente?\s+experte?|PU-PH|MCU-PH|addictologue|pharmacien(?:ne)?|journaliste)"
)
_BYLINE = re.compile(
    r"^(?:(?:Dr|Pr|Docteur|Professeur)\.?\s+)?(?-i:[A-ZÀ-ÖØ-Þ][\w'’.-]*)"
    r"(?:\s+(?:(?-i:de|du|des|van|von|le|la|d’|d')\s*)?(?-i:[A-ZÀ-ÖØ-Þ])[\w'’.-]*){1,3}\s*[,(]\s*"
    + _PROFESSION
    + r"\b",
    re.IGNORECASE,
)
#: Authors after a title: "… — Julien Garnier", "…, par Amélie Perrin", "… (Olivier
#: Fontaine)": a name of two or three words in capitals, not starting with an article.
_NAME = r"(?!(?:Le|La|Les|Un|Une|Des|Du|De)\s)[A-ZÀ-ÖØ-Þ][\w'’.-]+(?:\s+[A-ZÀ-ÖØ-Þ][\w'’.-]+){1,2}"
_TRAILING_AUTHORS = re.compile(
    rf"\s*(?:[–—]\s*(?P<dashed>{_NAME})|,\s+par\s+(?P<by>{_NAME})|\((?P<bracketed>{_NAME})\))$"
)
_NAME_SEPARATOR = re.compile(r"\s*(?:[,;&]|\bet\b)\s*")
#: A line of one to four names and nothing else: "Marie Durand et Paul Petit",
#: "Dr Anne Roux, Luc Martin-Dupré & Inès de La Salle". A name is a first name and
#: one or two more words, each with a capital (*Freud et Lacan* is no list of names).
_WORD = r"[A-ZÀ-ÖØ-Þ](?:[a-zà-öø-ÿ]+|[A-ZÀ-ÖØ-Þ]+)(?:[-'’][A-ZÀ-ÖØ-Þ][a-zà-öø-ÿA-ZÀ-ÖØ-Þ]+)*"
_PERSON = (
    rf"(?:(?:Dr|Pr)\.?\s+)?(?!(?:Le|La|Les|Un|Une|Des|Du|De|Et|En|Au|Aux|Sur)\s){_WORD}"
    rf"(?:\s+(?:(?:de|du|van|von|le|la)\s+|d['’])?{_WORD}){{1,2}}"
)
_NAMES_ONLY = re.compile(rf"{_PERSON}(?:(?:\s*,\s*|\s*&\s*|\s+et\s+|,\s+et\s+){_PERSON}){{0,3}}")
_SENTENCE_BREAK = re.compile(r"[.!?…»]\s+[A-ZÀ-ÖØ-Þ«]")
# The issue line a journal site puts above its table of contents, alone before a
# blank line: "Santé mentale n° 215 - Février 2017", "N° 180 – septembre 2013",
# "Numéro 12, printemps 2020", "Février 2017 - N° 215". The whole line must be the
# journal's name (a few words, no digit), an issue number and/or a month and year.
_MONTH = (
    r"(?:janvier|janv|f[ée]vrier|f[ée]vr?|mars|avril|avr|mai|juin|juillet|juil|ao[ûu]t"
    r"|septembre|sept|octobre|oct|novembre|nov|d[ée]cembre|d[ée]c"
    r"|printemps|[ée]t[ée]|automne|hiver)\.?"
)
_DATE = rf"{_MONTH}(?:\s*[-/–]\s*{_MONTH})?\s+(?:19|20)\d\d"
_NUMBER = r"(?:n\s?[°º]|no\.?|num[ée]ro)\s*\d+(?:\s*[-/–]\s*\d+)?"
_SEPARATORS = r"[\s,.:–—-]*"
#: A volume before the number (*vol. 44, n° 345*); a year without a month goes with a
#: number only (*2022 – n° 7*, *n° 7, 2022*): alone, it may be a dossier's title.
_VOLUME = rf"(?:vol(?:ume)?\.?\s*\d+{_SEPARATORS})?"
_YEAR_ONLY = r"(?:19|20)\d\d"
_ISSUE_LINE = re.compile(
    rf"(?P<journal>(?:[^\W\d_][\w'’]*\s*){{0,6}}?){_SEPARATORS}"
    rf"(?P<issue>{_VOLUME}{_NUMBER}(?:{_SEPARATORS}(?:{_DATE}|{_YEAR_ONLY}))?"
    rf"|{_DATE}(?:{_SEPARATORS}{_VOLUME}{_NUMBER})?|{_YEAR_ONLY}{_SEPARATORS}{_VOLUME}{_NUMBER})",
    re.IGNORECASE,
)
_YEAR = re.compile(rf"\b{_YEAR_ONLY}\b")
_SOMMAIRE = re.compile(r"^sommaire(?:\s+(?:du|de\s+ce))?\b\s*", re.IGNORECASE)
#: Tags of a web page's source (*<p>*, *</div>*, *<a href=…>*): three or more, and the
#: text is HTML, not the page as read.
_HTML_TAG = re.compile(
    r"<(?:!doctype\s+html|/?(?:html|head|body|meta|script|style|div|span|p|a|br|li|ul|ol"
    r"|h[1-6]|table|tr|td|strong|em|b|i|section|article|nav|header|footer)\b[^<>]*)>",
    re.IGNORECASE,
)
#: What a PDF file holds besides its text: "%PDF-" starts it; objects, streams and
#: the cross-reference table follow.
_PDF_MARKS = (
    re.compile(r"^%PDF-", re.MULTILINE),
    re.compile(r"\bendobj\b"),
    re.compile(r"\bendstream\b"),
    re.compile(r"^\d+\s+\d+\s+obj\b", re.MULTILINE),
    re.compile(r"^(?:xref|trailer|startxref)\b", re.MULTILINE),
    re.compile(r"/(?:Type|Filter|Length)\b"),
)


def slug(text: str) -> str:
    """``text`` in lower-case ASCII letters and digits joined by hyphens: the ids and
    the sections that the table-of-contents parser writes (*Lu pour vous* →
    ``lu-pour-vous``).

    >>> slug("Santé mentale n° 215")
    'sante-mentale-n-215'
    """
    # unidecode writes the degree sign of *n°* as "deg"
    text = text.replace("°", " ").replace("º", " ")
    return re.sub(r"[^a-z0-9]+", "-", unidecode(text).lower()).strip("-")


def _is_summary_line(line: str, after_summary: bool) -> bool:
    """Tell a summary line from a title line (titles are short and do not end with '.')."""
    if line.endswith(".") and not line.endswith("..."):
        return True
    if len(line) >= 100:
        return True
    return bool(after_summary and _SENTENCE_BREAK.search(line) and len(line) >= 60)


#: What a line ends with when it is a sentence, or a title going on on the next line.
_FINAL_MARK = (".", "?", "!", "…", ":", ";", ",")
#: The first words of a subtitle written in lower case after the title's colon
#: (*Soigner en prison : entre contrainte et alliance*); any other is kept as written
#: (a name, *Fleury-Mérogis*; an abbreviation, *TDAH*).
_SUBTITLE_LOWER = frozenset(
    {"le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "au", "aux", "à", "en"}
    | {"entre", "pour", "par", "sur", "dans", "chez", "avec", "sans", "vers", "contre"}
    | {"quand", "comment", "pourquoi", "quel", "quelle", "quels", "quelles", "que", "qui"}
    | {"ce", "cette", "ces", "et", "ou", "mais", "retour", "regards", "enjeux", "histoire"}
)


def _summary_shaped(line: _TocLine | None) -> bool:
    """Whether ``line`` is text shaped as a summary (see :func:`_is_summary_line`)."""
    return line is not None and line.kind == "text" and _is_summary_line(line.text, False)


def _title_shaped(line: _TocLine | None) -> bool:
    """Whether ``line`` is a numbered title, or text not shaped as a summary."""
    return line is not None and (
        line.kind == "title" or (line.kind == "text" and not _is_summary_line(line.text, False))
    )


def _plain(line: str) -> bool:
    """Whether ``line`` is short and ends with no punctuation, as titles do."""
    return len(line) <= 80 and not line.endswith(_FINAL_MARK) and not _SENTENCE_BREAK.search(line)


def _title_like(line: str) -> bool:
    """Whether a line shaped as a summary may still be a title: one clause starting
    with a capital, short and ending with a full stop (*Soigner, encore.*), or of 100
    to 180 characters with no final punctuation."""
    if not (line[:1].isupper() or line[:1].isdigit() or line[:1] in "«“\"'"):
        return False
    if _SENTENCE_BREAK.search(line):
        return False
    if line.endswith(".") and not line.endswith(".."):
        return len(line) <= 80
    return 100 <= len(line) <= 180 and not line.endswith(_FINAL_MARK)


def _under_title(
    title: str,
    line: str,
    *,
    numbered: bool,
    next_to_it: bool,
    ahead: _TocLine | None,
    beyond: _TocLine | None,
) -> str:
    """How a text ``line`` under an article's ``title`` (with no summary yet, maybe
    with authors between: not ``next_to_it``) reads: ``"summary"``, ``"subtitle"`` or
    ``"title"`` (of the next article). ``ahead`` and ``beyond`` are the next two
    lines that are not of authors.

    A line shaped as a summary is one. A short line with no final punctuation, right
    under a short title with no colon nor final punctuation and above a summary, is
    a subtitle. Under a numbered title, any other line is the summary. A line ending
    with "?" or "…" is the summary unless a summary follows it (then it is a title
    asking a question); a short line with no final punctuation is the summary when a
    title and its summary follow it, else a title.
    """
    if _is_summary_line(line, False):
        return "summary"
    subtitled = _plain(title) and ":" not in title
    if next_to_it and subtitled and _plain(line) and _summary_shaped(ahead):
        return "subtitle"
    if numbered:
        return "summary"
    if line.endswith(("?", "…", "...")):
        return "title" if _summary_shaped(ahead) else "summary"
    followed = ahead is not None and (ahead.kind == "title" or _summary_shaped(beyond))
    if _plain(line) and _title_shaped(ahead) and followed:
        return "summary"
    return "title"


def _subtitled(title: str, subtitle: str) -> str:
    """A title and its subtitle as one: "Soigner en prison" and "Entre contrainte et
    alliance" give "Soigner en prison : entre contrainte et alliance"."""
    first = re.match(r"[^\W\d_]+", subtitle)
    word = first.group() if first else ""
    # "Entre", "L'", "À" but not "LA" (an abbreviation) nor a name
    if word.lower() in _SUBTITLE_LOWER and (len(word) == 1 or word[1:].islower()):
        subtitle = subtitle[0].lower() + subtitle[1:]
    return f"{title} : {subtitle}"


def _ahead(lines: list[_TocLine], index: int) -> tuple[_TocLine | None, _TocLine | None]:
    """The next two lines after ``lines[index]`` that are not of authors (None past
    the end)."""
    later = (lines[n] for n in range(index + 1, len(lines)) if lines[n].kind != "authors")
    return next(later, None), next(later, None)


def _authors_above(lines: list[_TocLine]) -> bool:
    """Whether the contents write authors above their titles: two groups of author
    lines or more, the first at the top, under the first line or under a heading,
    each other under a summary or a heading, and each right above a title line."""
    starts = [
        n
        for n, line in enumerate(lines)
        if line.kind == "authors" and (n == 0 or lines[n - 1].kind != "authors")
    ]
    if len(starts) < 2:
        return False
    for n in starts:
        before = lines[n - 1] if n else None
        if not _title_shaped(_ahead(lines, n)[0]):
            return False
        if n == starts[0]:  # at the top, under the dossier's title or a heading
            if before is not None and n > 1 and before.kind != "section":
                return False
        elif before is None or not (before.kind == "section" or _summary_shaped(before)):
            return False
    return True


def _join(previous: str, line: str) -> str:
    if previous.endswith(("-", "‐")) and line[:1].islower():
        return previous + line
    return f"{previous} {line}"


def _issue_header(text: str) -> tuple[re.Match[str] | None, str]:
    """Split off an issue line standing alone above the table of contents: its
    match of :data:`_ISSUE_LINE` (None when there is none) and the rest of the text."""
    head, sep, rest = text.lstrip("\n").partition("\n\n")
    issue = _ISSUE_LINE.fullmatch(head.strip())
    if sep and rest.strip() and issue is not None:
        return issue, rest
    # without a blank line below, only a line with both a number and a year
    first, _, rest = text.lstrip("\n").partition("\n")
    issue = _ISSUE_LINE.fullmatch(first.strip())
    if (
        issue is not None
        and rest.strip()
        and re.search(_NUMBER, issue["issue"], re.IGNORECASE)
        and _YEAR.search(issue["issue"])
    ):
        return issue, rest
    return None, text


def parse_issue_toc(
    text: str,
    *,
    id_prefix: str = "",
    journal: str = "",
    issue: str = "",
    year: int | None = None,
    source: str = "<table of contents>",
) -> list[Article]:
    """Turn a table of contents pasted from a journal site into articles.

    The expected shape is the one of *Santé mentale* issues: an optional presentation
    paragraph, a blank line, the dossier title, then title lines each followed by
    the summary (possibly broken across lines); "Sommaire" lines are skipped and
    "Et aussi dans ce numéro" starts the ``et-aussi`` section. Printed contents are
    read too: page numbers and list marks are left out of titles (a line that carried
    one is a title, the next line its summary), lines of authors ("Par Jean Dupont,
    psychiatre", "Auteurs : …", "Jean Dupont, infirmier") fill ``authors``, a
    summary right under the dossier's title presents the dossier, a "Dossier : …"
    heading anywhere names it, and rubric headings ("Éditorial", "Lu pour vous", a
    word in capitals) start sections of their names (``editorial``). A line ending
    with a word no title ends with (*de*, *au*) goes on on the next, as copied from
    a PDF; what a site writes between articles ("Lire la suite") is skipped. Where
    shape alone is unsure, the lines around decide (see :func:`_under_title`): a
    short line under a title is its summary if it ends with "?" and no summary
    follows, or if a title and its summary follow; its subtitle (*Titre : sous-titre*)
    if it has no final punctuation and a summary follows; after a summary, a short
    line ending with "." or a long one with no final stop, above a summary, is a
    title. Authors go to the title under them where the contents put them above
    every title; names alone (*Marie Durand et Paul Petit*) under a title are its
    authors; a name and a profession with no title above and a summary below is a
    title (*Henri Ey, psychiatre et philosophe*). Ids are
    ``id_prefix`` + a slug of the title. An issue line on top, alone before a blank
    line ("Santé mentale n° 215 - Février 2017"), is not an article: it gives the
    ``issue``, ``year`` and ``journal`` not given as arguments. ``source`` names the
    text in errors (a file name, say): :class:`CorpusError` is raised for a text with
    no titles, for the HTML source of a web page and for the inside of a PDF file.

    >>> toc = "Le dossier\\nLe soin\\nUn texte sur le soin en psychiatrie."
    >>> [a.title for a in parse_issue_toc(toc)]
    ['Le dossier', 'Le soin']
    >>> toc = "Santé mentale n° 215 - Février 2017\\n\\n" + toc
    >>> [(a.title, a.journal, a.year) for a in parse_issue_toc(toc)][0]
    ('Le dossier', 'Santé mentale', 2017)
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    _refuse_markup(text, source)
    # Blank lines may hold spaces; "Sommaire" lines are skipped wherever they are.
    text = "\n".join(
        "" if line.strip().lower().rstrip(" :") in _SKIP_LINES else line.strip()
        for line in text.split("\n")
    )
    whole = text
    header, text = _issue_header(text)
    if header is not None:
        found = _YEAR.search(header["issue"])
        named = _SOMMAIRE.sub("", header["journal"]).strip(" ,.:–—-")
        journal = journal or named
        issue = issue or header["issue"]
        year = year if year is not None else (int(found.group()) if found else None)
    presentation = ""
    blocks = text.split("\n\n", 1)
    first = [line.strip() for line in blocks[0].splitlines() if line.strip()]
    if len(blocks) == 2 and first and all(_is_summary_line(line, True) for line in first):
        presentation = " ".join(first)
        text = blocks[1]
    lines = _toc_lines(text, first_number=whole.count("\n", 0, len(whole) - len(text)) + 1)
    if not any(line.kind in ("title", "text") for line in lines):
        raise CorpusError("the table of contents is empty", source=source)
    entries: list[dict[str, Any]] = []
    pending: list[str] = []  # authors written above the title that comes next

    def add(
        title: str, section: str, summary: str = "", *, heading: bool = False, own: bool = False
    ) -> None:
        entries.append(
            # a presentation above is the dossier's whole summary (``fixed``); the
            # dossier's own entry (``own``) keeps the simple reading of the lines under it
            {"title": title, "summary": summary, "section": section, "authors": pending[:]}
            | {"fixed": bool(summary), "heading": heading, "own": own or heading}
        )
        pending.clear()

    # Authors before any title go to the first one if the contents write authors
    # above their titles, else they are left out.
    above = _authors_above(lines)
    while lines[0].kind == "authors":
        authors = lines.pop(0)
        if above:
            pending.extend(authors.names)
        else:
            log.warning("%s, line %d: authors before any title, left out", source, authors.number)
    # The dossier is the title after its heading, if one says "Dossier", else the
    # first line if it is no heading (a site's contents: the seed's shape).
    headed = any(line.kind == "section" and line.section == "dossier" for line in lines)
    dossier, expected, section = "", False, "et-aussi"
    if not headed and (
        lines[0].kind in ("title", "text") or (lines[0].kind == "section" and lines[0].names)
    ):  # a title, or a word in capitals (*AUTISME*) that is the dossier's
        opening = lines.pop(0)
        dossier, section = opening.text or opening.names[0], "dossier"
        add(dossier, section, presentation, own=True)
    after_summary = False
    closed = False  # right under a heading that opened no article: no summary goes up
    previous = _TocLine(0, dossier, "text")
    for index, line in enumerate(lines):  # the "Sommaire" lines were blanked above
        if line.kind == "section":
            section, after_summary, previous, closed = line.section, False, line, True
            if section == "dossier":
                expected = not line.text
                if line.text:
                    dossier = line.text
                    add(dossier, section, presentation, heading=True)
                    closed = False
            continue
        current = entries[-1] if entries else None
        ahead, beyond = _ahead(lines, index)
        if line.kind == "authors":
            # above their title: so written throughout, or right under a heading, or
            # where the article before has its summary and authors already
            if _title_shaped(ahead) and (
                above
                or pending
                or closed
                or (current is not None and current["summary"] and current["authors"])
            ):
                pending.extend(line.names)
            elif current is None:
                log.warning("%s, line %d: authors before any title, left out", source, line.number)
            else:
                current["authors"].extend(line.names)
            continue
        if expected:  # the title under a "DOSSIER" heading
            dossier, expected = line.text, False
            add(dossier, section, presentation, heading=True)
            after_summary, previous, closed = False, line, False
            continue
        reading = "title"
        if current is not None and not closed and not current["fixed"] and line.kind == "text":
            if current["summary"]:  # a summary goes on, unless a title is shaped so
                long = _is_summary_line(line.text, after_summary)
                if long and not (_title_like(line.text) and _summary_shaped(ahead)):
                    reading = "summary"
            elif current["own"]:  # under a numbered title, or shaped as a summary
                if previous.kind == "title" or _is_summary_line(line.text, False):
                    reading = "summary"
            else:
                reading = _under_title(
                    current["title"],
                    line.text,
                    numbered=previous.kind == "title",
                    next_to_it=index > 0 and lines[index - 1] is previous,  # no authors
                    ahead=ahead,
                    beyond=beyond,
                )
        if reading == "title" or current is None:
            add(line.text, section)
            after_summary, previous, closed = False, line, False
            continue
        current["authors"].extend(pending)  # no title came under them
        pending.clear()
        if reading == "subtitle":
            current["title"] = _subtitled(current["title"], line.text)
            continue  # the title's line is still the one above the summary
        summary = current["summary"]
        current["summary"] = _join(summary, line.text) if summary else line.text
        after_summary, previous = True, line
    if pending and entries:
        entries[-1]["authors"].extend(pending)

    articles: list[Article] = []
    used: set[str] = set()
    # a dossier's heading with nothing under it names the dossier, and is no article
    entries = [e for e in entries if not (e["heading"] and not e["summary"] and not e["authors"])]
    for entry in entries:
        base = id_prefix + (slug(entry["title"]) or "article")
        article_id, n = base, 2
        while article_id in used:
            article_id, n = f"{base}-{n}", n + 1
        used.add(article_id)
        articles.append(
            Article(
                id=article_id,
                title=entry["title"],
                summary=entry["summary"],
                section=entry["section"],
                dossier=dossier,
                journal=journal,
                issue=issue,
                year=year,
                authors=tuple(entry["authors"]),
            )
        )
    return articles


def _refuse_markup(text: str, source: str) -> None:
    """Raise :class:`CorpusError` if ``text`` is the source of a web page or the inside
    of a PDF file rather than the table of contents as read."""
    if text.startswith("%PDF") or sum(bool(mark.search(text)) for mark in _PDF_MARKS) >= 2:
        raise CorpusError(
            "this is the inside of a PDF file (%PDF, obj, stream), not its text: open the "
            "PDF in a PDF viewer, select the table of contents, copy it into a text file "
            "(.txt, UTF-8) and parse that",
            source=source,
        )
    if len(_HTML_TAG.findall(text)) >= 3:
        raise CorpusError(
            "this is the HTML source of a web page (<p>, <div>, <a href=…>), not its text: "
            "open the page in a browser and save it as text (Save as, Text), or copy the "
            "table of contents from the page into a text file (.txt, UTF-8) and parse that",
            source=source,
        )


class _TocLine(NamedTuple):
    """A line of a table of contents, cleaned: ``kind`` is ``title`` (it carried a
    page number or a list mark), ``authors`` (with their ``names``), ``section`` (a
    heading: of the ``section`` named, with the first title under it as ``text`` if
    on the same line) or ``text`` (a title or a summary line, as its shape tells).
    ``shape`` tells authors read from their shape alone, which may be a title:
    ``byline`` (*Henri Ey, psychiatre*) or ``names`` (*Marie Durand et Paul Petit*)."""

    number: int
    text: str
    kind: str
    names: tuple[str, ...] = ()
    section: str = ""
    shape: str = ""


def _toc_lines(text: str, first_number: int) -> list[_TocLine]:
    """The non-blank lines of ``text`` (numbered from ``first_number``), without list
    marks and page numbers. A line goes on on the next one if that one starts in
    lower case after no end of sentence, or if it ends with a word that ends no
    title (*de*, *au*, *les*). A line that carried a page number (also alone on the
    line before), or a list mark and the shape of a title, is a title."""
    lines: list[_TocLine] = []
    raws = text.split("\n")
    paged = sum(bool(re.match(r"\d{1,3}\D", raw.strip())) for raw in raws) >= 3
    numbered = False  # a page number alone on the line before
    blank = True  # a blank line (or the top) right above
    for number, raw in enumerate(raws, start=first_number):
        line = _BULLET.sub("", raw.strip())
        marked = numbered or (line != raw.strip() and not _is_summary_line(line, False))
        if paged and _NUMBER_FIRST.match(line):
            line, marked = _NUMBER_FIRST.sub("", line), True
        if not line:
            blank = True
            continue
        after_blank, blank = blank, False
        if _PAGE_ALONE.match(line):
            numbered = True
            continue
        numbered = False
        # a line with a page number is a title, not a heading, but for a rubric's
        # name alone (*Agenda ...... 44*): a heading, and an article of that title
        paged_line = marked or _PAGE_BEFORE.match(line) or _PAGE_AFTER.search(line)
        rubric = _RUBRIC.match(_unpaged(line)) if paged_line else None
        if rubric is not None and not rubric["title"]:
            lines.append(_TocLine(number, "", "section", section=slug(rubric.group())))
            lines.append(_TocLine(number, rubric.group(), "title"))
            continue
        heading = None if marked or _PAGE_BEFORE.match(line) else _heading(number, line)
        if heading is not None:
            lines.append(heading)
            if heading.section == "dossier" or not heading.text:
                continue
            line, marked = heading.text, True  # "Et aussi : " and the first title there
            lines[-1] = heading._replace(text="")
        names = _authors(line)
        if names is not None:
            byline = "" if _AUTHORS.match(line) else "byline"
            lines.append(_TocLine(number, line, "authors", names, shape=byline))
            continue
        bare = _unpaged(line)
        previous = lines[-1] if lines else None
        trailing = _TRAILING_AUTHORS.search(bare) if bare else None
        if trailing and trailing.start() > 0:
            name = trailing["dashed"] or trailing["by"] or trailing["bracketed"]
            bare, marked = bare[: trailing.start()].rstrip(), True
            lines.append(_TocLine(number, bare, "title"))
            lines.append(_TocLine(number, name, "authors", (name,)))
        elif bare and (marked or bare != line):
            lines.append(_TocLine(number, bare, "title"))
        elif previous is not None and previous.shape == "names" and line[0].islower():
            # names only that go on in lower case are a sentence
            lines[-1] = _TocLine(previous.number, _join(previous.text, line), "text")
        elif previous is not None and previous.kind == "authors" and line[0].islower():
            lines[-1] = previous._replace(names=previous.names + _names(line))
        elif (
            previous is not None
            and previous.kind in ("title", "text")
            and _goes_on(previous.text, line)
        ):  # a summary or a title broken across lines
            lines[-1] = previous._replace(text=_join(previous.text, line))
        elif (
            not after_blank
            and previous is not None
            and (
                previous.kind in ("title", "text")
                or (previous.kind == "section" and bool(previous.text))
            )
            and _NAMES_ONLY.fullmatch(line)
        ):  # names only, right under a title or a summary
            lines.append(_TocLine(number, line, "authors", _names(line), shape="names"))
        else:
            lines.append(_TocLine(number, line, "text"))
    return _settle(lines)


def _unpaged(line: str) -> str:
    """``line`` without its page numbers, before or after it."""
    return _PAGE_AFTER.sub("", _PAGE_BEFORE.sub("", line, count=1), count=1).strip()


def issue_number(issue: str) -> str:
    """The number of an issue as parse-toc stores it (*n° 250 - Septembre 2020*:
    ``250``), or the issue as given if it writes none."""
    found = re.search(_NUMBER, issue, re.IGNORECASE)
    digits = re.search(r"\d+", found.group()) if found else None
    return digits.group() if digits else issue


def _settle(lines: list[_TocLine]) -> list[_TocLine]:
    """Authors read from their shape alone, told from titles by the lines around:
    names only are authors under a title (or other authors), or, if two or more,
    under a summary and above no summary; a name and a profession (*Henri Ey,
    psychiatre et philosophe*) is a title where no title (nor authors) is above it
    and a summary is below it."""
    for n, line in enumerate(lines):
        if not line.shape:
            continue
        before = lines[n - 1] if n else None
        after = lines[n + 1] if n + 1 < len(lines) else None
        # under a title, a "Dossier : …" heading or other authors
        under_title = _title_shaped(before) or (
            before is not None
            and (before.kind == "authors" or (before.kind == "section" and bool(before.text)))
        )
        if line.shape == "names":
            several = len(line.names) > 1
            # under a summary: two names or more above no summary, or one name above a
            # title (or at the end)
            authors = under_title or (
                _summary_shaped(before)
                and not _summary_shaped(after)
                and (several or after is None or _title_shaped(after))
            )
        else:
            authors = under_title or not _summary_shaped(after)
        if not authors:
            lines[n] = _TocLine(line.number, line.text, "text")
    return lines


def _heading(number: int, line: str) -> _TocLine | None:
    """The heading that ``line`` is, if it is one: of the other pages ("Et aussi :
    …"), of a rubric ("Éditorial") or of the dossier ("Dossier : …")."""
    other = _OTHER_SECTION.match(line)
    if other:
        return _TocLine(number, (other["title"] or "").strip(), "section", section="et-aussi")
    rubric = _RUBRIC.match(line)
    if rubric:
        title = (rubric["title"] or "").strip()
        name = line[: len(line) - len(title)] if title else line
        return _TocLine(number, title, "section", section=slug(name))
    dossier = _DOSSIER_HEADING.match(line)
    if dossier:
        title = _PAGE_AFTER.sub("", dossier["title"] or "").strip()
        return _TocLine(number, title, "section", section="dossier")
    if _CAPITAL_HEADING.match(line):  # as written, in case it is the dossier's title
        return _TocLine(number, "", "section", (line,), section=slug(line))
    return None


def _goes_on(before: str, line: str) -> bool:
    """Whether ``line`` goes on from the line ``before`` (see :func:`_toc_lines`)."""
    if line[0].islower() and not before.endswith((".", "?", "!", "»")):
        return True
    last = _LAST_WORD.search(before)
    return last is not None and last.group(1) in _LINE_GOES_ON


def _authors(line: str) -> tuple[str, ...] | None:
    """The names of a line of authors ("Par Jean Dupont, psychiatre, et Marie Martin",
    "Auteurs : …", "Jean Dupont, infirmier"), or None for another line."""
    written = _AUTHORS.match(line)
    if written:
        return _names(written["names"])
    if _BYLINE.match(line) and len(line) < 120 and not line.endswith(("?", "!")):
        return _names(line)
    return None


def _names(text: str) -> tuple[str, ...]:
    """The names in a list of authors, without their professions (in lower case) nor
    titles (*Dr*, *Pr*, *Mme*)."""
    names = _NAME_SEPARATOR.split(_PAGE_AFTER.sub("", text).rstrip(". "))
    names = [_HONORIFIC.sub("", name) for name in names]
    return tuple(name for name in names if name[:1].isupper())


#: A title before a name: *Dr*, *le Pr*, *Docteure*, *Mme*.
_HONORIFIC = re.compile(
    r"^(?:(?:le|la)\s+)?(?:Dr|Dre|Pr|Pre|Docteure?|Professeure?|Mme|Mlle)\.?\s+(?=[A-ZÀ-ÖØ-Þ])",
    re.IGNORECASE,
)
