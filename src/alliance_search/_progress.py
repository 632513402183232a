"""Progress reporting for long indexing runs (tqdm, from the ``progress`` extra)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger(__name__)

#: Batches smaller than this index too fast to need a progress bar.
PROGRESS_MIN_ARTICLES = 1000


class Progress:
    """Counts indexed articles; shows a bar when one is wanted, else does nothing."""

    def __init__(self, bar: Any = None) -> None:
        self._bar = bar

    def advance(self, count: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(count)

    def phase(self, description: str) -> None:
        """Name the current step (shown beside the bar)."""
        if self._bar is not None:
            self._bar.set_description(description)


def _interactive() -> bool:
    """A terminal on stderr, or a Jupyter kernel."""
    return sys.stderr.isatty() or "ipykernel" in sys.modules


@contextmanager
def progress(total: int | None, wanted: bool | None) -> Iterator[Progress]:
    """A progress bar over ``total`` articles (None: unknown, the bar counts).

    ``wanted``: True shows it, False never; None shows it for batches of
    :data:`PROGRESS_MIN_ARTICLES` or more (or of unknown size) when stderr is a
    terminal or in Jupyter.
    """
    if wanted is None:
        wanted = (total is None or total >= PROGRESS_MIN_ARTICLES) and _interactive()
    if not wanted:
        yield Progress()
        return
    try:
        from tqdm.auto import tqdm
    except ImportError:
        log.info("no progress bar: pip install 'alliance-search[progress]' to get one")
        yield Progress()
        return
    with tqdm(total=total, desc="indexing", unit=" articles", file=sys.stderr) as bar:
        yield Progress(bar)
