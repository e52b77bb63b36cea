"""Whoosh (whoosh-reloaded 2.7.5, pinned; frozen upstream, so treated as vendored) as the storage
of one search backend: it writes the postings and reads them a posting block at a time (its own
matchers walk postings one document at a time in Python); matching, phrases and BM25F ranking
are ranking.py's, shared with the FTS5 backend.

Fields: `title`, `body` (coarse words), `title_parts`, `body_parts` (the other dictionary
words), all without positions (phrases are matched on the text itself, phrases.py: faster than
decoding Whoosh's positions and far cheaper to write than a word-pair ("common grams") field,
docs/performance.md); `row` (a column: the DocTable row and the words per field); `text` (a
column: title and text as phrases are looked for in them); `record` (the IndexRecord, for
hits); `path` (to delete a document by). Uses the W3 codec's block reader (`_read_ids`,
`_read_weights`, `_next_block`) and `_terms.matcher`, with the public matcher interface as
fallback.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from whoosh import index
from whoosh.analysis import Token, Tokenizer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema
from whoosh.system import pack_uint

from .analyzer import Analysed, lengths
from .ranking import WEIGHTS
from .records import IndexRecord, packed_literal, unpack_literal
from .table import ROW


class TokenString(Tokenizer):
    """Reads the analyzer's token strings: words separated by spaces."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for position, text in enumerate(value.split(" ")):
            if text:
                token.text, token.boost, token.stopped = text, 1.0, False
                if keeporiginal:
                    token.original = text
                if positions:
                    token.pos = start_pos + position
                if chars:
                    token.startchar = token.endchar = start_char
                yield token


class Words(TEXT):
    """A text field fed the analyzer's token strings: counted in C (Counter) instead of one
    Token object per word through Whoosh's analysis chain, which was a fifth of writing time."""

    def __init__(self):
        super().__init__(analyzer=TokenString(), phrase=False)

    def index(self, value, **kwargs):
        return ((word.encode(), n, float(n), pack_uint(n)) for word, n in Counter(value.split()).items())


def make_schema() -> Schema:
    return Schema(path=ID(unique=True), title=Words(), body=Words(), title_parts=Words(), body_parts=Words(),
                  row=COLUMN(), text=COLUMN(), record=STORED())


def _row(item: Item) -> bytes:
    """The document's DocTable row and its words per field, in one column: Whoosh reads a column
    a Python call per document, so one column instead of thirteen is most of opening fast."""
    rec, title, text = item
    row = [getattr(rec, name if name != "doc_number" else "doc_number_key") for name in ROW]
    return json.dumps([*row, *lengths(title, text).values()], ensure_ascii=False).encode()


# --- writing -------------------------------------------------------------------------------------

class Codec(W3Codec):
    """Whoosh's W3 codec without per-block length statistics: they serve only Whoosh's own
    block-skipping scorer (not used here) and cost a column lookup per posting when written."""

    length_stats = False


Item = tuple[IndexRecord, Analysed, Analysed]  # the record, its analysed title and text


def _fields(item: Item) -> dict:
    rec, title, text = item
    fields = {"path": rec.path, "title": title.words, "body": text.words, "title_parts": title.parts,
              "body_parts": text.parts, "row": _row(item), "text": packed_literal(rec), "record": rec.pack()}
    return {k: v for k, v in fields.items() if v != ""}


def create(folder: Path, items: list[Item]) -> None:
    """A new index of `items` in the empty folder `folder`: one optimised segment."""
    ix = index.create_in(str(folder), make_schema())
    writer = ix.writer(limitmb=256, procs=1, codec=Codec())
    for item in items:
        writer.add_document(**_fields(item))
    writer.commit(optimize=True)
    ix.close()


def update(folder: Path, items: list[Item], removed: Iterable[str], analyse=None) -> None:
    """Delete `removed` paths and the paths of `items`, then add `items`: one new segment."""
    ix = index.open_dir(str(folder))
    writer = ix.writer(limitmb=256, procs=1, codec=Codec())
    for path in [*removed, *(rec.path for rec, _, _ in items)]:
        writer.delete_by_term("path", path)
    for item in items:
        writer.add_document(**_fields(item))
    writer.commit(merge=False)
    ix.close()


# --- reading -------------------------------------------------------------------------------------

class WhooshBackend:
    """Read-only over an immutable index. Whoosh's file readers are not thread-safe: one lock."""

    def __init__(self, folder: Path):
        self._searcher = index.open_dir(str(folder), readonly=True).searcher()
        self._reader = self._searcher.reader()
        self._leaves = [(leaf, offset, leaf.deleted_docs_set) for leaf, offset in self._reader.leaf_readers()]
        self._rows: dict[int, list] = {}  # live document number → row (table.ROW, then lengths)
        for (_, offset, deleted), column in zip(self._leaves, self._column("row", split=True), strict=True):
            self._rows.update((offset + d, json.loads(raw)) for d, raw in enumerate(column) if d not in deleted)
        self._lock = threading.Lock()

    def _column(self, name: str, split: bool = False) -> list:
        """A column over all segments by document number (per segment if `split`)."""
        out: list = []
        for leaf, _, _ in self._leaves:  # a segment where no document has the field has no column
            values = list(leaf.column_reader(name)) if leaf.has_column(name) else [b""] * leaf.doc_count_all()
            out.append(values) if split else out.extend(values)
        return out

    def rows(self) -> Iterator[tuple]:
        return ((doc, *row[:len(ROW)]) for doc, row in self._rows.items())

    # postings, a block at a time

    def _postings(self, field: str, text: str) -> Iterator[tuple[int, float]]:
        """(docnum, term frequency) of every live document with `text` in `field`."""
        for leaf, offset, deleted in self._leaves:
            if (field, text) not in leaf:
                continue
            raw = leaf._terms.matcher(field, leaf._text_to_bytes(field, text), leaf.schema[field].format)
            if not hasattr(raw, "_read_ids"):
                while raw.is_active():
                    if raw.id() not in deleted:
                        yield offset + raw.id(), raw.weight()
                    raw.next()
                continue
            while raw.is_active():
                raw._read_ids()
                raw._read_weights()
                for i in range(raw._i, len(raw._ids)):
                    if raw._ids[i] not in deleted:
                        yield offset + raw._ids[i], raw._weights[i]
                raw._next_block()

    def frequencies(self, field: str, word: str) -> list[tuple[int, int]]:
        with self._lock:
            return [(doc, int(tf)) for doc, tf in self._postings(field, word)]

    def lengths(self) -> dict[str, list[int]]:
        size = max(self._rows, default=-1) + 1
        out = {field: [0] * size for field in WEIGHTS}
        for doc, row in self._rows.items():
            for field, count in zip(WEIGHTS, row[len(ROW):], strict=True):
                out[field][doc] = count
        return out

    def texts(self) -> list[str]:
        with self._lock:
            return [unpack_literal(raw) for raw in self._column("text")]

    def vocabulary(self) -> list[str]:
        with self._lock:
            found = {t.decode() if isinstance(t, bytes) else t
                     for field in WEIGHTS for t in self._reader.lexicon(field)}
        return sorted(found)

    def record(self, doc: int) -> IndexRecord:
        with self._lock:
            return IndexRecord.unpack(self._searcher.stored_fields(doc)["record"])
