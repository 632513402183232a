"""How often a word and its plural share no index term, over the vocabulary of corpora.

Usage::

    python -m benchmarks.plurals FILE_OR_DATASET_DIR [...] [--show 40]

Reads JSON Lines records (``title`` and ``summary``; a dataset directory's
``docs.jsonl``) and pairs every word of the vocabulary with the same word plus *s* or
*x* when both occur, stop words aside. A pair "meets" when the analyzer gives the two
words a common index term, as a search needs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from alliance_search.analysis import WORD_PATTERN, fold, is_stop_word, stem_variants
from alliance_search.evaluation import iter_jsonl


def vocabulary(texts: Iterable[str]) -> set[str]:
    """The lowercase words of ``texts``."""
    return {match.group().lower() for text in texts for match in WORD_PATTERN.finditer(text)}


def plural_pairs(words: set[str]) -> tuple[int, list[tuple[str, str]]]:
    """The number of (word, word + s or x) pairs in ``words``, and those that share no
    index term.

    >>> plural_pairs({"déficit", "déficits", "foi", "fois", "milieu", "milieux"})
    (3, [('foi', 'fois')])
    """
    pairs, apart = 0, []
    for word in sorted(words):
        if not fold(word) or word.endswith(("s", "x")) or is_stop_word(word):
            continue
        for plural in (word + "s", word + "x"):
            if plural in words and not is_stop_word(plural):
                pairs += 1
                if not set(stem_variants(word)) & set(stem_variants(plural)):
                    apart.append((word, plural))
    return pairs, apart


def _texts(paths: Iterable[Path]) -> Iterable[str]:
    for path in paths:
        source = path / "docs.jsonl" if path.is_dir() else path
        for _, record in iter_jsonl(source):
            yield f"{record.get('title') or ''}\n{record.get('summary') or ''}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.plurals", description=__doc__)
    parser.add_argument("paths", nargs="+", type=Path, metavar="FILE_OR_DATASET_DIR")
    parser.add_argument("--show", type=int, default=40, help="pairs listed (default: 40)")
    args = parser.parse_args(argv)
    pairs, apart = plural_pairs(vocabulary(_texts(args.paths)))
    print(f"{pairs} pairs of a word and the same word plus s or x; {len(apart)} share no term")
    for word, plural in apart[: args.show]:
        print(f"  {word} / {plural}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
