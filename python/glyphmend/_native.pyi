"""Type stubs of the compiled module (python/src/lib.rs)."""

from os import PathLike
from typing import Optional, Sequence, Tuple, Union

class GlyphmendError(Exception):
    """An input glyphmend could not read, with the message the command line prints."""

class NativeDocument:
    def text(self) -> str: ...
    def to_json(self) -> str: ...
    def glyphs_json(self) -> Optional[str]: ...
    def corpus_jsonl(self, path: str) -> str: ...
    def records_jsonl(self) -> str: ...

def extract(
    path: Optional[Union[str, PathLike[str]]] = None,
    data: Optional[bytes] = None,
    name: Optional[str] = None,
    kind: Optional[str] = None,
    pages: Optional[Tuple[int, int]] = None,
    font_files: Optional[Sequence[Union[str, PathLike[str]]]] = None,
    tables: Optional[Union[str, PathLike[str]]] = None,
    password: Optional[str] = None,
) -> NativeDocument: ...
def repair(
    text: str, tables: Optional[Union[str, PathLike[str]]] = None, min_rule_confidence: float = 0.5
) -> Tuple[str, str]: ...
def records_schema() -> str: ...
def version() -> str: ...
def batch_inputs(input_dir: Union[str, PathLike[str]], out_dir: Union[str, PathLike[str]]) -> list[str]: ...
def batch_part(
    input_dir: Union[str, PathLike[str]],
    out_dir: Union[str, PathLike[str]],
    only: Sequence[str],
    tables: Optional[Union[str, PathLike[str]]] = None,
    font_files: Optional[Sequence[Union[str, PathLike[str]]]] = None,
    password: Optional[str] = None,
    learn: bool = True,
) -> str: ...
def batch_merge(parts: Sequence[Union[str, PathLike[str]]], out_dir: Union[str, PathLike[str]]) -> str: ...
