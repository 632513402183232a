"""Abbreviations an article defines: a long form followed by its abbreviation in
parentheses, *le traumatisme craniocérébral (TCC)*.

The same letters stand for different things in different places: *TCC* is a
cognitive-behavioural therapy in France and a brain injury in Québec, *SEP* multiple
sclerosis or a sense of self-efficacy. An article that spells out its abbreviation
says which one it means; :func:`definitions` reads that, so that the article's other
uses of the abbreviation are not taken for the thesaurus's sense of it.

The long form is a run of words just before the parenthesis that starts with the
abbreviation's first letter and holds its letters in order (*sentiment d'efficacité
personnelle* for *SEP*), the one whose words' initials best spell it, the shortest
among equals. It starts with neither another abbreviation nor a function word, and
is of one word only after a function word
(*la dopamine (DA)*; *mésenchymateuses* alone is not the *MSC* of *cellules souches
mésenchymateuses*, an English name in French order). Nothing is defined when no run
of at most a few words fits. :func:`initials_spell` tells whether a name of several
words could be an abbreviation's long form.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .analysis import WORD_PATTERN, fold, is_stop_word, split_elision

__all__ = [
    "Definition",
    "definitions",
    "in_parentheses",
    "initials_spell",
    "singular",
    "spells",
    "unread",
]

#: An abbreviation in parentheses or square brackets, alone or before a comma or
#: semicolon: *(TCC)*, *(TSA ; DSM-5)*, *[CMP]*. Two capitals or more, six characters
#: at most.
_PARENTHESIS = re.compile(r"[(\[]\s*([^\W\d_][\w-]{1,5})\s*[);,\]]")
#: Where a long form cannot reach back over: the end of a clause (not a line break,
#: which abstracts copied from a PDF hold in mid-sentence, nor the point of *1.5*).
_CLAUSE_END = re.compile(r"[;:!?()\[\]]|\.(?!\d)")
#: Extra words a long form may hold beyond one per letter of the abbreviation.
_SLACK = 4


@dataclass(frozen=True, slots=True)
class Definition:
    """``abbreviation`` stands for ``long_form``, which spans ``start:end`` of the text."""

    abbreviation: str
    long_form: str
    start: int
    end: int


def definitions(text: str) -> list[Definition]:
    """The abbreviations ``text`` defines, in order.

    >>> [(d.abbreviation, d.long_form) for d in definitions(
    ...     "Le traumatisme craniocérébral (TCC) modifie… Un faible sentiment "
    ...     "d’efficacité personnelle (SEP) quant à la pratique")]
    [('TCC', 'traumatisme craniocérébral'), ('SEP', 'sentiment d’efficacité personnelle')]
    """
    return [
        Definition(abbreviation, before[span[0] : span[1]], *span)
        for abbreviation, before, _, span in _in_parentheses(text)
        if span is not None
    ]


def unread(text: str) -> list[tuple[str, str]]:
    """The abbreviations ``text`` puts in parentheses but :func:`definitions` cannot
    read a long form for, each with the words of its clause just before it (as many
    as a long form could hold).

    >>> unread("Des cellules initiatrices de tumeur (TIC) résistent.")
    [('TIC', 'Des cellules initiatrices de tumeur')]
    """
    found = []
    for abbreviation, before, clause, span in _in_parentheses(text):
        if span is not None:
            continue
        words = list(WORD_PATTERN.finditer(before, clause))
        run = words[-(len(_letters(abbreviation)) + _SLACK) :]
        if run:
            found.append((abbreviation, before[run[0].start() : run[-1].end()]))
    return found


def _in_parentheses(text: str) -> Iterator[tuple[str, str, int, tuple[int, int] | None]]:
    """Each abbreviation in parentheses: the text before it, where its clause starts
    there, and where its long form lies (``None`` if none can be read)."""
    for match in _PARENTHESIS.finditer(text):
        abbreviation = match.group(1)
        if len(abbreviation) > 6 or not _abbreviated(abbreviation):
            continue
        before = text[: match.start()]
        clause = max((m.end() for m in _CLAUSE_END.finditer(before)), default=0)
        yield abbreviation, before, clause, _long_form(abbreviation, before, clause)


def in_parentheses(text: str) -> set[str]:
    """The abbreviations ``text`` puts in parentheses, which it spells out, whether
    :func:`definitions` can read the long form or not (*glomérulosclérose segmentaire
    focale (FSGS)*, an English name in French order).

    >>> sorted(in_parentheses("La glomérulosclérose segmentaire focale (FSGS) et le TCC"))
    ['FSGS']
    """
    return {
        singular(match.group(1))
        for match in _PARENTHESIS.finditer(text)
        if len(match.group(1)) <= 6 and _abbreviated(match.group(1))
    }


def singular(abbreviation: str) -> str:
    """The abbreviation without the plural *s* some authors add (*TSAs*, *NPs*).

    >>> singular("TSAs"), singular("TCC"), singular("IRMf")
    ('TSA', 'TCC', 'IRMf')
    """
    if abbreviation.endswith("s") and _abbreviated(abbreviation[:-1]):
        return abbreviation[:-1]
    return abbreviation


def spells(abbreviation: str, long_form: str) -> bool:
    """Whether ``long_form`` starts with the abbreviation's first letter and holds
    its letters in order.

    >>> spells("TCC", "traumatisme craniocérébral"), spells("TCC", "trouble des conduites")
    (True, False)
    """
    letters = _letters(abbreviation)
    written = fold(long_form)
    return bool(letters) and written.startswith(letters[0]) and _in_order(letters, written)


def initials_spell(abbreviation: str, name: str) -> bool:
    """Whether ``name`` :func:`spells` the abbreviation, with two words or more
    (function words aside, the parts of a compound counted) whose initials are
    letters of it in order.

    >>> initials_spell("TCC", "traumatisme craniocérébral")
    True
    >>> initials_spell("IL", "inflammatory response"), initials_spell("TCC", "crâne")
    (False, False)
    """
    parts = [part for part in _parts(name) if not is_stop_word(part)]
    return (
        len(parts) > 1
        and spells(abbreviation, name)
        and _in_order([part[0] for part in parts], "".join(_letters(abbreviation)))
    )


def _long_form(abbreviation: str, before: str, clause: int) -> tuple[int, int] | None:
    """Where the long form of ``abbreviation`` lies in ``before`` (not before
    ``clause``), or ``None``: of the runs of last words that fit, the one whose
    words' initials best spell it (:func:`_initials`), the shortest among equals
    (*problèmes liés à la pharmacothérapie (PRP)*, not *pharmacothérapie* alone)."""
    letters = _letters(abbreviation)
    words = [m for m in WORD_PATTERN.finditer(before, clause)]
    most = min(len(words), len(letters) + _SLACK)
    best: tuple[float, int, int] | None = None  # score, start, end
    for count in range(1, most + 1):
        run = words[len(words) - count :]
        first = run[0]
        offset = split_elision(first.group())  # *d'efficacité*: the word is *efficacité*
        word = first.group()[offset:]
        long_form = before[first.start() + offset : run[-1].end()]
        if _abbreviated(word) or is_stop_word(fold(word)) or not spells(abbreviation, long_form):
            continue  # *TCC sont de sévérité légère (TCCL)*, *la viabilité (LPS)*
        if count == 1 and offset == 0 and len(words) > 1:
            previous = words[-2].group()
            if not is_stop_word(fold(previous[split_elision(previous) :])):
                # *cellules souches mésenchymateuses (MSC)*: the words of an English
                # name in French order; *la dopamine (DA)* is one word.
                continue
        score = _initials(letters, long_form)
        if best is None or score > best[0]:
            best = score, first.start() + offset, run[-1].end()
    return None if best is None else (best[1], best[2])


def _initials(letters: list[str], name: str) -> float:
    """How well the initials of the words of ``name`` (the parts of a compound
    counted) spell ``letters``: how many of them do, in order, less half a point for
    each other word that is not a function word (*électroencéphalographie* for *EEG*,
    not *enregistrer l'activité à l'aide de l'électroencéphalographie*)."""
    words = _parts(name)
    # the longest common subsequence of the initials and the letters
    row = [0] * (len(letters) + 1)
    for word in words:
        previous = row[:]
        for j, letter in enumerate(letters, 1):
            row[j] = previous[j - 1] + 1 if word[0] == letter else max(previous[j], row[j - 1])
    content = sum(1 for word in words if not is_stop_word(word))
    return row[-1] - 0.5 * max(0, content - row[-1])


def _letters(abbreviation: str) -> list[str]:
    """The letters of ``abbreviation`` in its singular, folded."""
    return [ch for ch in fold(singular(abbreviation)) if ch.isalpha()]


def _parts(name: str) -> list[str]:
    """The words of ``name``, folded, elided articles dropped and compounds split."""
    return [
        fold(part)
        for word in WORD_PATTERN.findall(name)
        for part in re.split(r"[-‐‑]", word[split_elision(word) :])
        if fold(part)
    ]


def _abbreviated(word: str) -> bool:
    """Whether ``word`` has two capitals or more."""
    return sum(ch.isupper() for ch in word) >= 2


def _in_order(letters: list[str], written: str) -> bool:
    """Whether ``written`` holds ``letters`` in that order."""
    at = 0
    for letter in letters:
        at = written.find(letter, at)
        if at < 0:
            return False
        at += 1
    return True
