"""Search operators a documentalist types: what they require, exclude or truncate.

``+mot`` or ``mot ET mot`` (``AND``) requires a word, ``-mot`` or ``SAUF mot``
(``NOT``) excludes it, ``OU`` (``OR``) is the default and is dropped, ``titre:mot``
(``title:``, or ``titre : mot`` as French typography spaces it) wants the word in
the title, and ``psych*`` stands for every written
word that starts with ``psych``. Each may apply to a quoted phrase
(``-"santé mentale"``) or to a group in parentheses: ``(dépression OU anxiété) ET
adolescents`` requires one of the two words, and the other. Word operators count in
capitals only, and not in a query written all in capitals (a pasted title such as
*SCHIZOPHRÉNIE ET CANNABIS*), so that the French *et* and *ou* stay words.

A query without operators is left exactly as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .analysis import analyze

__all__ = [
    "Operators",
    "group_items",
    "is_group",
    "parse_operators",
    "said",
    "syntax_notes",
    "truncated",
    "truncated_item",
]

#: Word operators, in capitals: what they do to the word or phrase after them (and,
#: for ``ET``/``AND``, to the one before).
_AND = frozenset({"ET", "AND"})
_OR = frozenset({"OU", "OR"})
_NOT = frozenset({"SAUF", "NOT"})
_OPERATORS = _AND | _OR | _NOT
_FIELDS = frozenset({"titre", "title"})
#: Letters a truncated word keeps at least (``psy*`` would stand for half the index).
MIN_PREFIX = 3

_TOKEN = re.compile(
    r"""(?P<sign>[+-](?=[\w"«“„(]))?
        (?:(?P<field>\w+):(?=[\w"«“„(])
           |(?P<spaced>(?i:titre|title))[\ \t\u00a0\u202f]*:[\ \t\u00a0\u202f]*(?=[\w"«“„(]))?
        (?:"(?P<q1>[^"]*)"|«(?P<q2>[^»]*)»|“(?P<q3>[^”]*)”|„(?P<q4>[^“]*)“
           |\((?P<group>[^()]*)\)|(?P<word>\S+))""",
    re.VERBOSE,
)
_PREFIX = re.compile(r"^(\w+)\*[^\w\s]*$")
_WORD = re.compile(r"\w")
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Operators:
    """A query split by its operators (see the module's docstring)."""

    #: What to rank by: the query without excluded items, truncations and operators.
    text: str
    #: Words or phrases (in double quotes) every article must match (by any name of
    #: their concept).
    required: tuple[str, ...] = ()
    #: Words or phrases no article may match (by any name of their concept).
    excluded: tuple[str, ...] = ()
    #: Words or phrases an article must hold in its title.
    in_title: tuple[str, ...] = ()
    #: Truncated words, without their ``*`` (``psych`` for ``psych*``).
    prefixes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.required or self.excluded or self.in_title or self.prefixes)

    def render(self, text: str, query: str | None = None) -> str:
        """The ``query`` these operators were read from, with the words of
        :attr:`text` corrected as ``text`` spells them, for ``Results.corrected``:
        its operators stay where they were typed, so that searching it again searches
        the same. If the corrections change the number of words, ``text`` with the
        excluded and truncated words put back as operators.

        >>> ops = parse_operators("titre:alliance thérapeutque ET démence")
        >>> ops.render("alliance thérapeutique, démence", "titre:alliance thérapeutque ET démence")
        'titre:alliance thérapeutique ET démence'
        """
        changes = self._changes(text)
        if query is not None and changes is not None:
            return _WORDS.sub(lambda m: changes.get(m.group(), m.group()), query)
        extra = [f"-{item}" for item in self.excluded]
        extra += [f"{prefix}*" for prefix in self.prefixes]
        return " ".join([text, *extra]) if text else " ".join(extra)

    def _changes(self, text: str) -> dict[str, str] | None:
        """Typed word → corrected word, if ``text`` is :attr:`text` with some words
        spelt otherwise (``None`` if the words do not line up)."""
        typed, fixed = _WORDS.findall(self.text), _WORDS.findall(text)
        if len(typed) != len(fixed):
            return None
        return {a: b for a, b in zip(typed, fixed, strict=True) if a != b}

    def corrected(self, text: str) -> Operators:
        """These operators for :attr:`text` corrected as ``text`` (the same words, some
        spelt otherwise): the required and title items take the corrections too, so
        that *alliance thérapeutque ET démence* requires *thérapeutique*."""
        changes = self._changes(text)
        if changes is None:
            return replace(self, text=text)

        def fix(item: str) -> str:
            return _WORDS.sub(lambda m: changes.get(m.group(), m.group()), item)

        return replace(
            self,
            text=text,
            required=tuple(map(fix, self.required)),
            in_title=tuple(map(fix, self.in_title)),
        )

    @property
    def notes(self) -> tuple[str, ...]:
        """What the operators did, for ``Results.notes``."""
        said_items = [("required", item) for item in self.required]
        said_items += [("excluded", item) for item in self.excluded]
        said_items += [("in the title", item) for item in self.in_title]
        notes = [f"{what}: {said(item)}" for what, item in said_items]
        if self.excluded and not self.text.strip() and not self.prefixes:
            notes.append("nothing left to search for: add the words the articles should name")
        return tuple(notes)


def group_items(item: str) -> tuple[list[str], bool]:
    """The words and phrases of a group in parentheses (``item``, parentheses
    included), and whether all are wanted (``ET`` between them) or any one.

    >>> group_items('(dépression OU "trouble anxieux")')
    (['dépression', '"trouble anxieux"'], False)
    """
    items = _items(item[1:-1])
    every = any(i.operator in _AND for i in items)
    return [i.text for i in items if not i.operator and _WORD.search(i.bare)], every


def is_group(item: str) -> bool:
    """Whether ``item`` (a required, excluded or title item) is a group in parentheses."""
    return item.startswith("(") and item.endswith(")")


def said(item: str) -> str:
    """``item`` as a note says it: «dépression» or «anxiété» for a group."""
    if not is_group(item):
        return f"«{item.strip(chr(34))}»"
    words, every = group_items(item)
    return (" and " if every else " or ").join(f"«{w.strip(chr(34))}»" for w in words)


@dataclass(slots=True)
class _Item:
    text: str  # as it goes back into the ranked text (a phrase keeps its quotes)
    bare: str  # the word or phrase itself
    sign: str = ""  # "+", "-" or ""
    field: str = ""
    operator: str = ""  # a word operator (ET, OU, SAUF, ...), else ""
    phrase: bool = False
    group: bool = False  # a group in parentheses (text and bare keep them)


def parse_operators(query: str) -> Operators:
    """Split ``query`` by its search operators.

    >>> ops = parse_operators('schizophrénie ET cannabis -"premier épisode" psychot*')
    >>> ops.text, ops.required, ops.excluded, ops.prefixes
    ('schizophrénie, cannabis', ('schizophrénie', 'cannabis'), ('"premier épisode"',), ('psychot',))
    >>> parse_operators("SCHIZOPHRÉNIE ET CANNABIS").text
    'SCHIZOPHRÉNIE ET CANNABIS'
    """
    items = _items(query)
    capitals = not any(c.islower() for c in query)
    if not any(
        item.sign
        or item.field
        or item.group
        or (item.operator and not capitals)
        or _truncated(item)
        for item in items
    ):
        return Operators(text=query)
    required: list[str] = []
    excluded: list[str] = []
    in_title: list[str] = []
    prefixes: list[str] = []
    kept: list[str] = []
    pending = ""  # the word operator waiting for its item
    previous: _Item | None = None
    # Whether an operator or an item set apart came since the last kept item: the
    # items it stood between are then kept apart too (*psychose ET cannabis* is no
    # *psychose cannabique*).
    apart = False
    titled = False  # a title field given to function words only, for the next item
    for item in items:
        if titled and not (item.field or item.sign or item.operator):
            item = replace(item, field="titre")
        titled = False
        if item.operator and not capitals:
            if item.operator in _AND and previous is not None and previous.sign != "-":
                _add(required, previous.text)
            pending = item.operator
            apart = True
            continue
        sign = item.sign or ("-" if pending in _NOT else "+" if pending in _AND else "")
        pending = ""
        truncated = _truncated(item)
        if truncated and sign != "-":
            _add(prefixes, truncated)
            if sign == "+":  # autis* ET scolari*: a word starting so is required
                _add(required, item.text)
            previous = item
            apart = True
            continue
        if sign == "-":
            for part in group_items(item.text)[0] if item.group else [item.text]:
                _add(excluded, part)
            apart = True
        else:
            if sign == "+":
                _add(required, item.text)
            if item.field.lower() in _FIELDS and _function_words_only(item):
                titled = True  # *titre : les états limites*: the title's word comes next
            elif item.field.lower() in _FIELDS:
                _add(in_title, item.text)
            if item.group:
                words = group_items(item.text)[0]
                ranked = ", ".join(w for w in words if not truncated_item(w))
                if ranked and kept:
                    kept[-1] += ","
                if ranked:
                    kept.append(ranked)
                for word in words:
                    _add(prefixes, truncated_item(word))
                apart = True
            else:
                if apart and kept:
                    kept[-1] += ","
                kept.append(item.text)
                apart = False
        previous = item if sign != "-" else None
    return Operators(
        text=" ".join(kept),
        required=tuple(required),
        excluded=tuple(excluded),
        in_title=tuple(in_title),
        prefixes=tuple(prefixes),
    )


def _function_words_only(item: _Item) -> bool:
    """Whether ``item`` is a word that nothing can be searched by (*les*, *l'*)."""
    return not (item.phrase or item.group) and not analyze(item.bare)


def _truncated(item: _Item) -> str:
    return "" if item.phrase or item.group else truncated(item.bare)


def truncated_item(item: str) -> str:
    """The letters an item keeps if it is a truncated word (not a phrase), else ``""``."""
    return "" if item.startswith('"') else truncated(item)


def truncated(word: str) -> str:
    """The letters a truncated word keeps (``psych`` for ``psych*``), else ``""``."""
    match = _PREFIX.match(word)
    return match.group(1) if match and len(match.group(1)) >= MIN_PREFIX else ""


def syntax_notes(query: str) -> tuple[str, ...]:
    """Notes on what ``query`` asks that cannot be searched: a truncation too short
    (``ps*``: searched as the word), or nothing at all to search (``***``, ``-``).

    >>> syntax_notes("ps* adolescents")
    ('«ps*»: a truncation keeps 3 letters at least; searched as the word «ps»',)
    """
    if not _WORD.search(query):
        return ('nothing to search for: type words, a "phrase" in quotes, or psych*',)
    return tuple(
        f"«{word}»: a truncation keeps {MIN_PREFIX} letters at least; "
        f"searched as the word «{match.group(1)}»"
        for word in query.split()
        if (match := _PREFIX.match(word.lstrip("+"))) and not truncated(word.lstrip("+"))
    )


def _add(items: list[str], item: str) -> None:
    if item and item not in items:
        items.append(item)


def _items(query: str) -> list[_Item]:
    """The words and quoted phrases of ``query``, with their signs and fields."""
    items = []
    for match in _TOKEN.finditer(query):
        phrase = next((match[g] for g in ("q1", "q2", "q3", "q4") if match[g] is not None), None)
        sign, field = match["sign"] or "", match["field"] or match["spaced"] or ""
        body = next(b for b in (phrase, match["group"], match["word"]) if b is not None)
        if not _WORD.search(body):
            items.append(_Item(match[0], match[0]))  # a stray sign or quote: no operator
            continue
        if field and field.lower() not in _FIELDS:  # a word with a colon, not a field
            sign_len = len(sign)
            items.append(_Item(match[0][sign_len:], match[0][sign_len:], sign))
            continue
        if phrase is not None:
            items.append(_Item(f'"{phrase.strip()}"', phrase.strip(), sign, field, phrase=True))
            continue
        if match["group"] is not None:
            inner = " ".join(match["group"].split())
            if not sign and not field and not _OPERATORS.intersection(inner.split()):
                # a clarification, not a group: *psychose (schizophrénie)*
                items.extend(_items(inner))
                continue
            items.append(_Item(f"({inner})", inner, sign, field, group=True))
            continue
        word = match["word"].strip("()") or match["word"]  # a parenthesis left open
        operator = word if word in _AND | _OR | _NOT and not sign and not field else ""
        items.append(_Item(word, word, sign, field, operator))
    return items
