"""Command line: ``alliance-search`` (also ``python -m alliance_search``).

A thin layer over the public API: parse arguments, call the library, print.
User errors print one line on stderr and exit with status 1 (2 for usage errors).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, NoReturn, TextIO

from . import __version__
from ._errors import AllianceSearchError, IndexDamagedError, IndexVersionError
from .check import check_index, rebuild_index, unlock_index
from .concepts import load_thesaurus
from .corpus import CORPUS_SUFFIXES, bundled_corpus_path, parse_issue_toc, write_jsonl
from .display import format_hit, format_results, notes_lines
from .index import Index, build_index, default_index_dir, open_index

log = logging.getLogger("alliance_search")

EXAMPLES = """examples:
  alliance-search search "états limites"
  alliance-search search "démence" --limit 3 --json
  alliance-search index corpus/ --index mon-index
  alliance-search search "alliance thérapeutique adolescents" --index mon-index --section dossier
  alliance-search search "TPB"                      # concepts: finds "patients borderline"
  alliance-search concepts état-limite
  alliance-search similar sm-etats-limites-et-lien-therapeutique
  alliance-search parse-toc sommaire.txt --prefix sm140- --journal "Santé mentale" -o sommaire.jsonl
"""


def _command(commands: Any, name: str, help_: str, *examples: str) -> argparse.ArgumentParser:
    """A sub-command whose ``--help`` ends with examples."""
    lines = "\n".join(f"  {example}" for example in examples)
    parser = commands.add_parser(
        name,
        help=help_,
        epilog=f"example{'s' if len(examples) > 1 else ''}:\n{lines}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # -v also after the command (alliance-search search démence -v); not given, it
    # leaves the value given before the command
    parser.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    return parser  # type: ignore[no-any-return]


def _index_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--index",
        metavar="DIR",
        type=Path,
        help=f"index directory (default: {default_index_dir()}, built from the bundled corpus "
        "on first use; or $ALLIANCE_SEARCH_INDEX)",
    )


def _output_args(p: argparse.ArgumentParser) -> None:
    """--json or --ris, for commands that print results."""
    group = p.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help="print results as JSON")
    group.add_argument(
        "--ris",
        action="store_true",
        help="print results as RIS records, for Zotero, EndNote or Mendeley",
    )


def _quiet_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-q",
        "--quiet",
        dest="progress",
        action="store_false",
        default=None,
        help="no progress bar (shown for 1,000 articles or more in a terminal, "
        "with the 'progress' extra)",
    )


class _Parser(argparse.ArgumentParser):
    """argparse, with a hint for the usage errors that a query or an option's place
    causes."""

    def error(self, message: str) -> NoReturn:
        if "required: query" in message:
            message += (
                "; a query that starts with a dash goes after --: alliance-search search -- "
                '"-démence alliance"'
            )
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="alliance-search",
        description="Search French mental-health article summaries by clinical concept.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress on stderr")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = _command(
        commands,
        "index",
        "build an index from corpus files (JSONL, JSON, CSV or folders)",
        "alliance-search index corpus/",
        "alliance-search index numero-140.jsonl numero-141.csv --index mon-index",
        "alliance-search index nouveaux.jsonl --index mon-index --update",
        "alliance-search index export-2024.jsonl --index mon-index --update --commit-every 50000",
        "alliance-search index corpus/ --index mon-index --thesaurus mes-concepts.toml",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", type=Path, help="corpus files or folders")
    _index_arg(p)
    p.add_argument(
        "--thesaurus",
        type=Path,
        action="append",
        metavar="FILE",
        help="also tag and search with this thesaurus file (adds or overrides concepts; "
        "recorded in the index, which loads it again whenever it is opened)",
    )
    p.add_argument(
        "--update",
        action="store_true",
        help="add or replace these articles in an existing index instead of rebuilding",
    )
    p.add_argument(
        "--commit-every",
        type=_positive,
        metavar="N",
        help="with --update: commit every N articles (a failure then loses only the last "
        "batch; default: one commit, all or nothing)",
    )
    _quiet_arg(p)

    p = _command(
        commands,
        "search",
        "rank articles for a French query",
        'alliance-search search "etats limites"',
        'alliance-search search "\\"pacte de soins\\"" --limit 3 --json',
        'alliance-search search "adolescents" --section et-aussi',
        'alliance-search search "lien thérapeutique -borderline titre:alliance psych*"',
    )
    p.add_argument(
        "query",
        help="the query, in French, with or without accents; -word or SAUF word leaves "
        "out, +word or word ET word requires, titre:word wants it in the title, psych* "
        "truncates, (a OU b) groups; for a query that starts with -, put the options "
        'first, then --, then the query: search --index DIR -- "-démence alliance"',
    )
    _index_arg(p)
    p.add_argument(
        "--limit",
        type=_non_negative,
        default=10,
        metavar="N",
        help="number of results (default 10)",
    )
    p.add_argument("--section", action="append", help="only this section (repeatable)")
    p.add_argument(
        "--year",
        type=_year_span,
        metavar="YEAR",
        help="only this year, or these: 2014-2016, 2014- (from 2014), -2016 (up to 2016)",
    )
    p.add_argument(
        "--concept",
        action="append",
        help="only articles tagged with this concept or a narrower one (repeatable)",
    )
    p.add_argument(
        "--author",
        help='only articles by this author (Durand, "Marie Durand", "M. Durand"); with an '
        "empty query, all of them",
    )
    p.add_argument(
        "--no-expand",
        dest="expand",
        action="store_false",
        help="search the words only, without thesaurus expansion",
    )
    p.add_argument(
        "--no-correct",
        dest="correct",
        action="store_false",
        help="search misspelt words as typed instead of their correction",
    )
    p.add_argument(
        "--related-weight",
        type=_non_negative_number,
        default=0.4,
        metavar="W",
        help="weight of related terms relative to synonyms (default 0.4)",
    )
    p.add_argument(
        "--related-share",
        type=_fraction,
        default=0.6,
        metavar="S",
        help="how much of a query's part an article found only through a related or "
        "broader term counts for, from 0 to 1 (default 0.6; 1 counts it whole)",
    )
    _output_args(p)

    p = _command(
        commands,
        "similar",
        "articles similar to one article",
        "alliance-search similar sm-etats-limites-et-lien-therapeutique --limit 3",
    )
    p.add_argument("id", help="article id")
    _index_arg(p)
    p.add_argument("--limit", type=_non_negative, default=5, metavar="N")
    _output_args(p)

    p = _command(
        commands,
        "concepts",
        "list, look up or explain thesaurus concepts",
        "alliance-search concepts",
        "alliance-search concepts TPB",
        "alliance-search concepts démence",
    )
    p.add_argument("name", nargs="?", help="a concept id, label, synonym or part of one")
    p.add_argument(
        "--thesaurus",
        type=Path,
        action="append",
        metavar="FILE",
        help="also load this thesaurus file (adds or overrides concepts)",
    )
    p.add_argument("--json", action="store_true", help="print as JSON")

    p = _command(
        commands,
        "show",
        "print one indexed article",
        "alliance-search show sm-charcot-un-crayon-a-la-main",
    )
    p.add_argument("id", help="article id")
    _index_arg(p)
    p.add_argument("--json", action="store_true", help="print the article as JSON")

    p = _command(
        commands,
        "stats",
        "describe an index (articles, sections, version)",
        "alliance-search stats --index mon-index",
    )
    _index_arg(p)
    p.add_argument("--json", action="store_true", help="print as JSON")

    p = _command(
        commands,
        "optimize",
        "merge the index's segments into one (faster searches after many updates)",
        "alliance-search optimize --index mon-index",
    )
    _index_arg(p)

    p = _command(
        commands,
        "check",
        "verify an index (opens, counts, version, corpus match); unlock or rebuild it",
        "alliance-search check --index mon-index",
        "alliance-search check --index mon-index --corpus numero-140.jsonl numero-141.csv",
        "alliance-search check --index mon-index --unlock     # after a writer was killed",
        "alliance-search check --index mon-index --rebuild    # from the recorded corpus",
    )
    _index_arg(p)
    p.add_argument(
        "--corpus",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="compare with (or rebuild from) these corpus files, applied in order "
        "(default: the files the index was built and updated from)",
    )
    p.add_argument(
        "--unlock",
        action="store_true",
        help="clear a write lock left by a writer that has ended (refused while it runs)",
    )
    p.add_argument(
        "--rebuild", action="store_true", help="rebuild the index from the corpus, then check"
    )
    _quiet_arg(p)
    p.add_argument("--json", action="store_true", help="print the report as JSON")

    p = _command(
        commands,
        "parse-toc",
        "turn a pasted table of contents (.txt) into a JSONL corpus",
        "alliance-search parse-toc sommaire.txt --prefix sm140- -o out.jsonl",
    )
    p.add_argument("file", type=Path, help="text file holding the table of contents")
    p.add_argument("--prefix", default="", help="prefix of the generated ids")
    p.add_argument("--journal", default="", help="journal name stored in each record")
    p.add_argument("--issue", default="", help="issue number stored in each record")
    p.add_argument("--year", type=int, help="year stored in each record")
    p.add_argument("-o", "--output", type=Path, help="output .jsonl (default: standard output)")
    return parser


#: The first bytes of files that are not text: a Word document (a zip) or a PDF.
_NOT_TEXT = {b"PK\x03\x04": "a Word or OpenDocument file", b"%PDF": "a PDF"}


def _toc_text(path: Path, data: bytes) -> str:
    """The text of a table of contents file, or a user error that says what it is."""
    for magic, kind in _NOT_TEXT.items():
        if data.startswith(magic):
            raise AllianceSearchError(
                f"{path} is {kind}, not text: copy its table of contents into a plain "
                "text file (.txt, UTF-8) and run parse-toc on that"
            )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise AllianceSearchError(
            f"{path}, line {line}: not UTF-8 text (byte {data[exc.start]:#04x}); save the "
            "file as UTF-8 (in Notepad: Save as, Encoding UTF-8) and run parse-toc again"
        ) from None


def _non_negative(text: str, least: int = 0) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"must be {least} or more, got {value}")
    return value


def _year_span(text: str) -> int | tuple[int | None, int | None]:
    """A year (*2014*) or years (*2014-2016*, *2014-*, *-2016*; an en dash too)."""
    match = re.fullmatch(r"\s*(\d{4})?\s*(?:([-–])\s*(\d{4})?)?\s*", text)
    if match is None or not (match[1] or match[3]):
        raise argparse.ArgumentTypeError(
            "expected a year such as 2014, or years such as 2014-2016, 2014- or -2016, "
            f"got {text!r}"
        )
    if match[2] is None:  # no dash: one year
        return int(match[1])
    low = int(match[1]) if match[1] else None
    high = int(match[3]) if match[3] else None
    return low, high


def _non_negative_number(text: str) -> float:
    """A number ≥ 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number ≥ 0, got {text!r}") from None
    if not value >= 0:  # NaN too
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text}")
    return value


def _fraction(text: str) -> float:
    """A number from 0 to 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 1, got {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be from 0 to 1, got {value}")
    return value


def _positive(text: str) -> int:
    return _non_negative(text, least=1)


def _open(path: Path | None) -> Index:
    if path is not None:
        return open_index(path)
    default = default_index_dir()
    if not default.is_dir() or not any(default.iterdir()):
        log.warning("building the default index at %s from the bundled corpus", default)
        return build_index(bundled_corpus_path(), default)
    try:
        return open_index(default)
    except (IndexVersionError, IndexDamagedError):
        # Built by an older version of the library, or damaged: the default index is
        # rebuilt from the corpus files it records (the bundled corpus unless the user
        # indexed others).
        log.warning("rebuilding the default index at %s", default)
        return rebuild_index(default)


def _run(args: argparse.Namespace) -> int:
    out = sys.stdout
    color = out.isatty()
    if args.command == "index":
        target = args.index or default_index_dir()
        if args.commit_every is not None and not args.update:
            raise AllianceSearchError(
                "--commit-every needs --update: a rebuilt index replaces the old one only "
                "once it is complete"
            )
        thesaurus = load_thesaurus(*args.thesaurus) if args.thesaurus else None
        if args.update:
            with open_index(target, thesaurus) as index:
                added = index.add_files(
                    *args.paths, progress=args.progress, commit_every=args.commit_every
                )
                count = len(index)
            print(f"updated {added} articles; the index at {target} holds {count}", file=out)
        else:
            paths = list(args.paths)
            with build_index(paths, target, thesaurus=thesaurus, progress=args.progress) as index:
                print(f"indexed {len(index)} articles into {target}", file=out)
        return 0
    if args.command == "parse-toc":
        if args.file.suffix.lower() in CORPUS_SUFFIXES:
            raise AllianceSearchError(
                f"{args.file} is a corpus file, not a table of contents in text: index it "
                f"with `alliance-search index {args.file}`"
            )
        if args.output is not None and args.output.resolve() == args.file.resolve():
            raise AllianceSearchError(
                f"{args.output}: the output would overwrite the table of contents; "
                "choose another -o file"
            )
        try:
            data = args.file.read_bytes()
        except OSError as exc:
            raise AllianceSearchError(f"{args.file}: cannot read ({exc.strerror or exc})") from None
        text = _toc_text(args.file, data)
        articles = parse_issue_toc(
            text,
            id_prefix=args.prefix,
            journal=args.journal,
            issue=args.issue,
            year=args.year,
            source=str(args.file),
        )
        if args.output:
            write_jsonl(articles, args.output)
            print(f"wrote {len(articles)} articles to {args.output}", file=out)
        else:
            for article in articles:
                print(json.dumps(article.to_dict(), ensure_ascii=False), file=out)
        return 0
    if args.command == "concepts":
        return _concepts(args, out)
    if args.command == "check":
        return _check(args, out)
    with _open(args.index) as index:
        if args.command in ("search", "similar"):
            if args.command == "search":
                results = index.search(
                    args.query,
                    limit=args.limit,
                    section=args.section,
                    year=args.year,
                    concept=args.concept,
                    author=args.author,
                    expand=args.expand,
                    related_weight=args.related_weight,
                    related_share=args.related_share,
                    correct=args.correct,
                )
                if args.json or args.ris:  # the output is data: what it says goes to stderr
                    for line in notes_lines(results):
                        print(line, file=sys.stderr)
            else:
                results = index.more_like_this(args.id, limit=args.limit)
            if args.ris:
                print(results.to_ris(), end="", file=out)
            else:
                text = results.to_json() if args.json else format_results(results, color=color)
                print(text, file=out)
        elif args.command == "show":
            try:
                article = index.get(args.id)
            except KeyError:
                raise AllianceSearchError(
                    f"no article with id {args.id!r} in {index.path}"
                ) from None
            if args.json:
                print(json.dumps(article.to_dict(), ensure_ascii=False, indent=2), file=out)
            else:
                for key, value in article.to_dict().items():
                    print(f"{key:>9}: {value}", file=out)
        elif args.command == "optimize":
            before = len(index.searcher().reader().leaf_readers())
            index.optimize()
            print(f"merged {before} segment(s) of {index.path} into 1", file=out)
        elif args.command == "stats":
            sections: dict[str, int] = {}
            for article in index.articles():
                sections[article.section or "(none)"] = (
                    sections.get(article.section or "(none)", 0) + 1
                )
            size = sum(f.stat().st_size for f in index.path.iterdir() if f.is_file())
            stats = {
                "path": str(index.path),
                "articles": len(index),
                "sections": sections,
                "size_bytes": size,
                **index.meta,
            }
            if args.json:
                print(json.dumps(stats, ensure_ascii=False, indent=2), file=out)
            else:
                for key, value in stats.items():
                    print(f"{key:>17}: {value}", file=out)
    return 0


def _check(args: argparse.Namespace, out: TextIO) -> int:
    target = args.index or default_index_dir()
    if args.unlock:
        cleared = unlock_index(target)
        print(
            f"cleared a stale write lock from {target}" if cleared else f"{target} was not locked",
            file=out,
        )
    if args.rebuild:
        with rebuild_index(target, args.corpus, progress=args.progress) as index:
            print(f"rebuilt {target}: {len(index)} articles", file=out)
    report = check_index(target, args.corpus)
    print(
        json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json else report,
        file=out,
    )
    return 0 if report.ok else 1


def _concepts(args: argparse.Namespace, out: TextIO) -> int:
    thesaurus = load_thesaurus(*(args.thesaurus or ()))
    if args.name:
        concept = thesaurus.find(args.name)
        matches = [concept] if concept else thesaurus.search(args.name)
        if not matches:
            near = ", ".join(c.label for c in thesaurus.spelt_like(args.name)[:3])
            meant = f"; did you mean: {near}?" if near else ""
            raise AllianceSearchError(f"no concept matches {args.name!r}{meant}")
    else:
        matches = list(thesaurus)
    if args.json:
        print(json.dumps([asdict(c) for c in matches], ensure_ascii=False, indent=2), file=out)
    elif args.name and len(matches) == 1:
        print(thesaurus.explain(matches[0].id), file=out)
    else:
        for c in matches:
            print(f"{c.id:<36} {c.label}  [{c.category}]", file=out)
        print(f"{len(matches)} concepts", file=out)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``alliance-search`` command."""
    args = build_parser().parse_args(argv)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("alliance-search: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO if args.verbose else logging.WARNING)
    log.propagate = False
    try:
        status = _run(args)
        sys.stdout.flush()  # a closed pipe shows up here, inside the try
        return status
    except AllianceSearchError as exc:
        print(f"alliance-search: error: {exc}", file=sys.stderr)
        for note in getattr(exc, "__notes__", ()):
            print(f"alliance-search: {note}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("alliance-search: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`alliance-search search ... | head`): not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    finally:
        log.removeHandler(handler)
        log.propagate = True


__all__ = ["build_parser", "format_hit", "main"]
