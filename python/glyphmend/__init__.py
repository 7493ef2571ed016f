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
>>> tables = glyphmend.learn_pdf(["pdfs/"])              # doctest: +SKIP
>>> tables.save("tables/")                               # doctest: +SKIP
>>> glyphmend.extract("other.pdf", tables=tables).text   # doctest: +SKIP
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
    "Tables",
    "extract",
    "learn_pdf",
    "load_tables",
    "records",
    "records_schema",
    "repair",
    "__version__",
]

__version__: str = _native.version()

PathLike = Union[str, "os.PathLike[str]"]


class Tables:
    """Mapping tables, learned from PDFs (:func:`learn_pdf`) or loaded from ``*.table`` files
    (:func:`load_tables`). Pass them as ``tables=`` to :func:`extract` and :func:`repair`
    (as the CLI's ``--tables`` adds a directory's), or :meth:`save` them.

    >>> tables = glyphmend.learn_pdf(["pdfs/"])               # doctest: +SKIP
    >>> tables.names                                          # doctest: +SKIP
    ['ms-gothic', 'ms-pgothic']
    >>> tables.save("tables/")   # the files `glyphmend learn pdf pdfs/ --out tables/` writes  # doctest: +SKIP
    >>> print(tables.report())   # what `learn pdf --report` prints         # doctest: +SKIP
    """

    def __init__(self, native: "_native.NativeTables") -> None:
        self._native = native

    @property
    def names(self) -> List[str]:
        """The tables' names, in file order."""
        return self._native.names()

    @property
    def files(self) -> Dict[str, str]:
        """File name (``<name>.table``) → the file's text, provenance header included."""
        return dict(self._native.files())

    @property
    def stats(self) -> List[Dict[str, Any]]:
        """Per learned table: ``name``, ``basefonts``, ``glyphs``, ``voted``, ``conflicts``,
        ``generalized``, ``documents``, ``sources`` (document, sha256 prefix); empty for
        loaded tables."""
        return json.loads(self._native.stats_json())

    @property
    def left_out(self) -> List[Tuple[str, str]]:
        """Files that did not vote, in path order: ``(path, "held out" | "duplicate")``."""
        return [(os.fspath(p), why) for p, why in self._native.left_out()]

    @property
    def failures(self) -> List[Tuple[str, str]]:
        """Documents that could not be read, with the reason (``learn pdf``'s warnings)."""
        return self._native.failures()

    def save(self, directory: PathLike) -> List[str]:
        """Creates ``directory`` and writes every table file into it, byte for byte what
        ``glyphmend learn pdf … --out directory`` writes; returns the paths written."""
        return [os.fspath(p) for p in self._native.save(os.fspath(directory))]

    def report(self) -> Optional[str]:
        """What ``glyphmend learn pdf --report`` prints (None for loaded tables)."""
        return self._native.report()

    def __len__(self) -> int:
        return len(self.names)

    def __repr__(self) -> str:
        return f"<glyphmend.Tables: {', '.join(self.names) or 'none'}>"


TablesArg = Union[PathLike, Tables, None]


def _tables(tables: TablesArg) -> Dict[str, Any]:
    # A directory goes through the CLI's `--tables` loading; Tables objects as they are.
    if tables is None:
        return {}
    if isinstance(tables, Tables):
        return {"learned": tables._native}
    return {"tables": os.fspath(tables)}


def learn_pdf(
    paths: Union[PathLike, Sequence[PathLike]],
    exclude: Sequence[PathLike] = (),
    families: Sequence[Union[str, Sequence[str]]] = (),
    corroborate: Sequence[Union[str, Sequence[str]]] = (),
    pool_versions: bool = False,
    generalize: bool = True,
    only: Sequence[str] = (),
    text_repair: bool = False,
) -> Tables:
    """Tables voted across PDFs, as ``glyphmend learn pdf PATHS…`` learns them: one per font
    from the documents' trusted ToUnicode and embedded cmaps (one document's ToUnicode
    repairs another's of the same font).

    ``paths``: PDFs or directories (searched recursively). The keywords are the command's
    flags: ``exclude`` (``--exclude``, held-out files, by content), ``families``
    (``--family``: groups of BaseFonts, each a list or a comma-separated string),
    ``corroborate`` (``--corroborate``), ``pool_versions``, ``generalize=False``
    (``--no-generalize``), ``only`` (``--only``), ``text_repair`` (``--text-repair``).
    Raises :class:`GlyphmendError` with the CLI's message (e.g. ``no PDF files under the
    paths given``).

    >>> tables = glyphmend.learn_pdf(["pdfs/"], families=["MS-Mincho,MS-PMincho"])  # doctest: +SKIP
    >>> tables.save("tables/")                                                      # doctest: +SKIP
    >>> glyphmend.extract("pdfs/a.pdf", tables=tables).text                         # doctest: +SKIP
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]

    def groups(gs: Sequence[Union[str, Sequence[str]]]) -> List[List[str]]:
        return [g.split(",") if isinstance(g, str) else list(g) for g in gs]

    return Tables(
        _native.learn_pdf(
            [os.fspath(p) for p in paths],
            exclude=[os.fspath(p) for p in exclude],
            families=groups(families),
            corroborate=groups(corroborate),
            pool_versions=pool_versions,
            generalize=generalize,
            only=list(only),
            text_repair=text_repair,
        )
    )


def load_tables(path: PathLike) -> Tables:
    """Tables from a directory of ``*.table`` files (as ``--tables`` reads it) or from one
    ``.table`` file, e.g. what :meth:`Tables.save` or ``glyphmend learn`` wrote.

    >>> tables = glyphmend.load_tables("tables/")                 # doctest: +SKIP
    >>> glyphmend.repair(text, tables=tables).text                # doctest: +SKIP
    """
    return Tables(_native.load_tables(os.fspath(path)))


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
    tables: TablesArg = None,
    password: Optional[str] = None,
    name: Optional[str] = None,
    kind: Optional[str] = None,
) -> Document:
    """Reads a PDF or text file (a path) or PDF bytes through the pipeline.

    ``pages`` is a 1-based inclusive range ``(first, last)``; ``font_files`` are font files or
    directories (.ttf/.ttc/.otf) identifying renumbered subsets by outline; ``tables`` a
    directory of extra ``*.table`` files (``--tables``) or a :class:`Tables`. For bytes, ``name`` names the input and ``kind``
    is ``"pdf"`` (default) or ``"txt"``. Raises :class:`GlyphmendError` with the CLI's
    message on bad input.

    >>> glyphmend.extract("sheet.pdf", pages=(1, 2)).text     # doctest: +SKIP
    """
    fonts = None if font_files is None else [os.fspath(f) for f in font_files]
    if isinstance(source, (bytes, bytearray, memoryview)):
        native = _native.extract(
            data=bytes(source), name=name, kind=kind, pages=pages,
            font_files=fonts, password=password, **_tables(tables),
        )
    else:
        native = _native.extract(
            path=os.fspath(source), pages=pages, font_files=fonts, password=password,
            **_tables(tables),
        )
    return Document(native)


def repair(text: str, tables: TablesArg = None, min_rule_confidence: float = 0.5) -> Repair:
    """Repairs garbled text as ``glyphmend repair`` does; clean text comes back unchanged.
    ``tables``: a directory of extra ``*.table`` files (``--tables``) or a :class:`Tables`
    (only tables marked for text, ``text=yes``, apply to plain text).

    >>> glyphmend.repair("地域の支援").text
    '地域の支援'
    >>> glyphmend.repair(text, tables=glyphmend.load_tables("tables/"))   # doctest: +SKIP
    """
    out, spans = _native.repair(text, min_rule_confidence=min_rule_confidence, **_tables(tables))
    return Repair(out, [json.loads(l) for l in spans.splitlines() if l])


def records(document: Document) -> List[Dict[str, Any]]:
    """The document's budget-program records, as dicts following :func:`records_schema`.

    Absent fields are absent (as in ``records.jsonl``).
    """
    return [json.loads(l) for l in document._native.records_jsonl().splitlines() if l]


def records_schema() -> Dict[str, Any]:
    """The JSON Schema of one record (``glyphmend records --schema``)."""
    return json.loads(_native.records_schema())
