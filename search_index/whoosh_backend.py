"""Whoosh (whoosh-reloaded 2.7.5, pinned; frozen upstream, so treated as vendored) as the storage
of one search backend: it writes the postings and reads them a posting block at a time (its own
matchers walk postings one document at a time in Python); matching, phrases and BM25F ranking
are ranking.py's, shared with the FTS5 backend.

Fields: `title`, `body` (coarse words), `title_parts`, `body_parts` (the other dictionary
words), all without positions (phrases are matched on the text itself, phrases.py: faster than
decoding Whoosh's positions and far cheaper to write than a word-pair ("common grams") field,
docs/performance.md); `text` (a column: title and text as phrases are looked for in them);
`<field>_length` (words per field, exact); `doc_number` (the 文号 key); filter columns; and
`record` (the IndexRecord as JSON, for hits). Uses the W3 codec's block reader (`_read_ids`,
`_read_weights`, `_next_block`) and `_terms.matcher`, with the public matcher interface as
fallback.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from whoosh import index
from whoosh.analysis import Token, Tokenizer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import COLUMN, ID, NUMERIC, STORED, TEXT, Schema
from whoosh.system import pack_uint

from .analyzer import Analysed, lengths
from .ranking import WEIGHTS
from .records import IndexRecord, packed_literal, unpack_literal

COLUMNS = ("path", "type", "issuer", "level", "validity", "unit", "date", "effective")


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
    return Schema(
        path=ID(stored=True, unique=True, sortable=True),
        title=Words(), body=Words(), title_parts=Words(), body_parts=Words(),
        text=COLUMN(), **{f"{field}_length": NUMERIC(int, bits=32, sortable=True, signed=False)
                          for field in WEIGHTS},
        doc_number=ID(), type=ID(sortable=True), issuer=ID(sortable=True), level=ID(sortable=True),
        validity=ID(sortable=True), unit=ID(sortable=True),
        date=NUMERIC(int, bits=32, sortable=True, signed=False),
        effective=NUMERIC(int, bits=32, sortable=True, signed=False),
        record=STORED(),
    )


# --- writing -------------------------------------------------------------------------------------

class Codec(W3Codec):
    """Whoosh's W3 codec without per-block length statistics: they serve only Whoosh's own
    block-skipping scorer (not used here) and cost a column lookup per posting when written."""

    length_stats = False


Item = tuple[IndexRecord, Analysed, Analysed]  # the record, its analysed title and text


def _fields(item: Item) -> dict:
    rec, title, text = item
    fields = {"path": rec.path, "title": title.words, "body": text.words, "title_parts": title.parts,
              "body_parts": text.parts, "text": packed_literal(rec), "doc_number": rec.doc_number_key,
              **{f"{field}_length": n for field, n in lengths(title, text).items()},
              "type": rec.type, "issuer": rec.issuer, "level": rec.level, "validity": rec.validity,
              "unit": rec.unit, "date": rec.date, "effective": rec.effective, "record": rec.pack()}
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
        self.live = [offset + d for leaf, offset, deleted in self._leaves
                     for d in range(leaf.doc_count_all()) if d not in deleted]
        self._lock = threading.Lock()

    def _column(self, name: str) -> list:
        out: list = []
        for leaf, _, _ in self._leaves:  # a segment where no document has the field has no column
            out += list(leaf.column_reader(name)) if leaf.has_column(name) else [None] * leaf.doc_count_all()
        return out

    def rows(self) -> Iterator[tuple]:
        columns = [self._column(name) for name in COLUMNS]
        for doc in self.live:
            yield (doc, *(column[doc] for column in columns))

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
        with self._lock:
            return {field: [n or 0 for n in self._column(f"{field}_length")] for field in WEIGHTS}

    def _docs(self, field: str, text: str) -> set[int]:
        return {doc for doc, _ in self._postings(field, text)}

    def texts(self) -> list[str]:
        with self._lock:
            return [unpack_literal(raw) for raw in self._column("text")]

    def vocabulary(self) -> list[str]:
        with self._lock:
            found = {t.decode() if isinstance(t, bytes) else t
                     for field in WEIGHTS for t in self._reader.lexicon(field)}
        return sorted(found)

    def doc_numbers(self, key: str, complete: bool) -> set[int]:
        with self._lock:
            if complete:
                return self._docs("doc_number", key)
            terms = list(self._reader.expand_prefix("doc_number", key))
            return set().union(*(self._docs("doc_number", t.decode() if isinstance(t, bytes) else t)
                                 for t in terms))

    def record(self, doc: int) -> IndexRecord:
        with self._lock:
            return IndexRecord.unpack(self._searcher.stored_fields(doc)["record"])
