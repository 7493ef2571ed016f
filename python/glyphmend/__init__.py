"""glyphmend: correct text, repairs and budget-program records from Japanese government PDFs.

The same pipeline as the ``glyphmend`` command line (a Rust library inside): a file gives
the same text, spans and records here as there. Work runs with the GIL released, so a
thread pool reads documents in parallel.

>>> import glyphmend
>>> doc = glyphmend.extract("sheet.pdf")                # doctest: +SKIP
>>> doc.text[:20]                                        # doctest: +SKIP
'令和６年度補正予算額…'
>>> [r["name"] for r in glyphmend.records(doc)]          # doctest: +SKIP
>>> glyphmend.repair("ᨭ᥼").text                          # doctest: +SKIP
'支援'
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from . import _native
from ._native import GlyphmendError

__all__ = [
    "Document",
    "GlyphmendError",
    "Repair",
    "extract",
    "records",
    "records_schema",
    "repair",
    "__version__",
]

__version__: str = _native.version()

PathLike = Union[str, "os.PathLike[str]"]


class Document:
    """One input after the pipeline.

    Attributes are computed on first use from the Rust document:

    - ``text``: the final text, pages separated by form feeds (``glyphmend extract``).
    - ``pages``: list of dicts: ``page``, ``original``, ``repaired``, ``spans`` (repaired,
      each with ``before``, ``after``, ``table``, ``rule``, ``confidence``), ``unresolved``.
    - ``lines``: a PDF's lines with their glyph runs and provenance (None for text input).
    - ``warnings``: what was met reading it; ``attention``: why a reader should look.
    """

    def __init__(self, native: "_native.NativeDocument") -> None:
        self._native = native
        self._json: Optional[Dict[str, Any]] = None
        self._glyphs: Optional[Dict[str, Any]] = None

    def _doc(self) -> Dict[str, Any]:
        if self._json is None:
            self._json = json.loads(self._native.to_json())
        return self._json

    @property
    def text(self) -> str:
        return self._native.text()

    @property
    def name(self) -> str:
        return self._doc()["name"]

    @property
    def kind(self) -> str:
        return self._doc()["kind"]

    @property
    def sha256(self) -> str:
        return self._doc()["sha256"]

    @property
    def pages(self) -> List[Dict[str, Any]]:
        return self._doc()["pages"]

    @property
    def warnings(self) -> List[str]:
        return self._doc()["warnings"]

    @property
    def attention(self) -> Optional[Dict[str, Any]]:
        return self._doc()["attention"]

    @property
    def glyphs(self) -> Optional[Dict[str, Any]]:
        """A PDF's glyph runs with provenance (``glyphmend extract --json``), else None."""
        if self._glyphs is None:
            raw = self._native.glyphs_json()
            self._glyphs = None if raw is None else json.loads(raw)
        return self._glyphs

    @property
    def lines(self) -> Optional[List[Dict[str, Any]]]:
        g = self.glyphs
        return None if g is None else [l for p in g.get("pages", []) for l in p.get("lines", [])]

    @property
    def spans(self) -> List[Dict[str, Any]]:
        """Every repaired span of every page, with its page number."""
        return [dict(s, page=p["page"]) for p in self.pages for s in p["spans"]]

    @property
    def unresolved(self) -> List[Dict[str, Any]]:
        """Every garbled span left as it was (reported, never guessed), with its page."""
        return [dict(u, page=p["page"]) for p in self.pages for u in p["unresolved"]]

    def to_dict(self) -> Dict[str, Any]:
        """The whole document as ``glyphmend extract --json`` gives it for text input."""
        return self._doc()

    def __repr__(self) -> str:
        return f"<glyphmend.Document {self.name!r}: {len(self.pages)} page(s)>"


@dataclass
class Repair:
    """The result of :func:`repair`: the text, and the spans ``repair --json`` prints."""

    text: str
    spans: List[Dict[str, Any]] = field(default_factory=list)

    @property
    def repaired(self) -> List[Dict[str, Any]]:
        return [s for s in self.spans if s.get("type") == "repair"]

    @property
    def unresolved(self) -> List[Dict[str, Any]]:
        return [s for s in self.spans if s.get("type") == "unresolved"]


def extract(
    source: Union[PathLike, bytes, bytearray, memoryview],
    pages: Optional[Tuple[int, int]] = None,
    font_files: Optional[Sequence[PathLike]] = None,
    tables: Optional[PathLike] = None,
    password: Optional[str] = None,
    name: Optional[str] = None,
    kind: Optional[str] = None,
) -> Document:
    """Reads a PDF or text file (a path) or PDF bytes through the pipeline.

    ``pages`` is a 1-based inclusive range ``(first, last)``; ``font_files`` are font files or
    directories (.ttf/.ttc/.otf) identifying renumbered subsets by outline; ``tables`` a
    directory of extra ``*.table`` files. For bytes, ``name`` names the input and ``kind``
    is ``"pdf"`` (default) or ``"txt"``. Raises :class:`GlyphmendError` with the CLI's
    message on bad input.

    >>> glyphmend.extract("sheet.pdf", pages=(1, 2)).text     # doctest: +SKIP
    """
    fonts = None if font_files is None else [os.fspath(f) for f in font_files]
    tdir = None if tables is None else os.fspath(tables)
    if isinstance(source, (bytes, bytearray, memoryview)):
        native = _native.extract(
            data=bytes(source), name=name, kind=kind, pages=pages,
            font_files=fonts, tables=tdir, password=password,
        )
    else:
        native = _native.extract(
            path=os.fspath(source), pages=pages, font_files=fonts, tables=tdir,
            password=password,
        )
    return Document(native)


def repair(text: str, tables: Optional[PathLike] = None, min_rule_confidence: float = 0.5) -> Repair:
    """Repairs garbled text as ``glyphmend repair`` does; clean text comes back unchanged.

    >>> glyphmend.repair("地域の支援").text
    '地域の支援'
    """
    out, spans = _native.repair(
        text, None if tables is None else os.fspath(tables), min_rule_confidence
    )
    return Repair(out, [json.loads(l) for l in spans.splitlines() if l])


def records(document: Document) -> List[Dict[str, Any]]:
    """The document's budget-program records, as dicts following :func:`records_schema`.

    Absent fields are absent (as in ``records.jsonl``).
    """
    return [json.loads(l) for l in document._native.records_jsonl().splitlines() if l]


def records_schema() -> Dict[str, Any]:
    """The JSON Schema of one record (``glyphmend records --schema``)."""
    return json.loads(_native.records_schema())
