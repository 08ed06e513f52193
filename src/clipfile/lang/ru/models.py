"""natasha's bundled models, loaded for a fraction of what natasha's own constructors take.

Loading is most of the time a fresh process needs to analyse one short Russian text, and most
of the load built things the taggers never read:

- ``NewsEmbedding`` reads navec's 250,000-word vocabulary into a word-to-id table and
  precomputes vector norms and centroid products (for ``navec.sim``); the taggers read only the
  quantised vectors (``pq.indexes`` and ``pq.codes``, by word id), and their word ids come from
  their own vocabularies.  Here the embedding is those arrays, the index table mapped from the
  tar file rather than copied (the pages a text's words touch are read, not all 25 MB).
- each of the three slovnet packs (morphology, syntax, NER) carries the same 250,000-word
  vocabulary (and the same word-shape one), which slovnet decodes and indexes anew per pack;
  here each distinct vocabulary is built once and shared (they are only read).

The taggers are natasha's own classes on the same arrays and vocabularies, so their output is
what natasha's constructors give.
"""
from __future__ import annotations

import gzip
import io
import tarfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["load"]

_LOADING = threading.Lock()


def load() -> dict[str, Any]:
    """natasha's segmenter, morphology tagger, syntax parser and NER tagger on its news
    embedding (the dictionary-based ``MorphVocab`` is the caller's: it does not need these)."""
    from natasha import NewsMorphTagger, NewsNERTagger, NewsSyntaxParser, Segmenter
    from natasha.data import NEWS_EMBEDDING

    with _LOADING:
        emb = embedding(NEWS_EMBEDDING)
        with _shared_vocabularies():
            return {
                "segmenter": Segmenter(),
                "morph": NewsMorphTagger(emb),
                "syntax": NewsSyntaxParser(emb),
                "ner": NewsNERTagger(emb),
            }


def embedding(path: str) -> Any:
    """A navec embedding that holds what a slovnet tagger injects (``meta`` and the product
    quantisation's ``indexes`` and ``codes``), read as ``navec.Navec.load`` reads them, without
    the vocabulary and the similarity tables."""
    import numpy as np
    from navec import Navec
    from navec.meta import Meta
    from navec.pq import PQ

    with tarfile.open(path) as tar:
        meta = Meta.from_file(tar.extractfile("meta.json"))
        Meta.check_protocol(meta.protocol)
        member = tar.getmember("pq.bin")
        blob = tar.extractfile(member)
        if blob is None:  # pragma: no cover - a directory, not navec's archive
            raise ValueError(f"{path}: pq.bin is not a file")
        vectors, dim, qdim, centroids = (int(x) for x in np.frombuffer(blob.read(16), np.uint32))
        # An uncompressed tar (natasha's) stores the member's bytes as they are, from
        # offset_data on, so the index table maps; a compressed one is read like navec does.
        mappable = isinstance(tar.fileobj, io.BufferedReader)
        indexes = None if mappable else np.frombuffer(blob.read(vectors * qdim), np.uint8).reshape(vectors, qdim)
        blob.seek(16 + vectors * qdim)
        codes = np.frombuffer(blob.read(), np.float32).reshape(qdim, centroids, -1)
    if indexes is None:
        indexes = np.memmap(path, dtype=np.uint8, mode="r", offset=member.offset_data + 16,
                            shape=(vectors, qdim)).view(np.ndarray)
    pq = PQ.__new__(PQ)  # PQ.__init__ would precompute the similarity tables
    pq.vectors, pq.dim, pq.qdim, pq.centroids = vectors, dim, qdim, centroids
    pq.indexes, pq.codes = indexes, codes
    return Navec(meta, None, pq)


@contextmanager
def _shared_vocabularies() -> Iterator[None]:
    """While loading slovnet packs, a vocabulary whose text another pack loaded already is that
    same (read-only) ``Vocab``."""
    from slovnet.exec import pack

    original = pack.bytes_vocab
    built: dict[bytes | tuple[bytes], Any] = {}

    def bytes_vocab(data: bytes) -> Any:
        key: bytes | tuple[bytes] | None = _deflated(data)
        if key is None:
            key = gzip.decompress(data)
        if key not in built:
            built[key] = original(data)
        return built[key]

    pack.bytes_vocab = bytes_vocab
    try:
        yield
    finally:
        pack.bytes_vocab = original


def _deflated(data: bytes) -> tuple[bytes] | None:
    """The compressed stream of a gzip member with a bare 10-byte header (what
    ``gzip.compress`` writes), which differs between packs only by its time stamp: equal
    streams decompress to equal text, so this keys a vocabulary without decompressing it."""
    if len(data) > 18 and data[:4] == b"\x1f\x8b\x08\x00":
        return (data[10:],)
    return None
