"""natasha's taggers (slovnet's morphology, syntax and NER models) run with less copying, to the bit.

Most of what natasha's taggers cost on a news text is their convolution encoder, and slovnet
spent about as long arranging each layer's input as multiplying it: it turns the activations
channel-first (a transposing copy), pads them with ``np.pad`` (a Python function with its own
cost), and gathers the convolution windows from that layout three floats at a time.  Here the
activations stay channel-last, as the embeddings and every layer's output come out, and the
windows are gathered a whole row of channels at a time into the very matrix slovnet builds (the
same values in the same order); the multiplications are the same calls on the same operands, and
the element-wise steps (bias, ReLU, batch norm, the padding mask) the same operations in the same
order on float32, done in place.  navec's word vectors are gathered a centroid (three floats) at
a time rather than float by float.  So every tag, head and relation is the one natasha's own
taggers give -- not just about the same: the scores match slovnet's bit for bit
(``tests/test_russian_parse_shortcuts.py`` checks them).

The batches are natasha's (eight sentences of a text in order; the whole text for NER): a
multiplication's rows come out a few units in the last place apart when other rows share it
(OpenBLAS blocks a matrix by its size), so sentences batched another way -- by length, or across
texts, which would spare most of the padding -- would now and then take another head or relation
(9 of 36,964 tokens of 300 benchmark texts, sorted by length in batches of eight).

Around the models: each word's ids (word and shape) are found once per process and shared by
the three taggers (natasha finds them per tagger and per occurrence); the morphology and syntax
predictions are set on natasha's tokens directly (:func:`tag_morph`, :func:`parse_syntax`: the
values natasha's ``Doc.tag_morph`` and ``Doc.parse_syntax`` set, without their two kinds of
markup record per token); the entity tagger reads the words the segmenter found instead of
splitting the text again (:func:`ner_markups`), and its Viterbi decoding takes each step's best
score as the maximum rather than gathering it at the argmax through index grids (the same float).

:func:`fast` wraps a loaded tagger; natasha's own stays as it is (``natasha_doc`` and the
benchmarks' bare natasha run it).
"""
from __future__ import annotations

import copy
from typing import Any

import numpy as np

__all__ = ["fast", "tag_morph", "parse_syntax", "ner_markups"]


def fast(tagger: Any, codes: dict[tuple[int, int], dict[str, tuple[int, int]]] | None = None) -> Any:
    """A copy of natasha's ``tagger`` (morphology, syntax or NER) whose model runs here and whose
    encoder remembers each word's ids, or ``tagger`` itself when its model is not one this
    module knows how to run to the bit.

    ``codes`` holds the words' ids per pair of vocabularies, so taggers on the same vocabularies
    (natasha's three, :mod:`.models`) share them."""
    model = tagger.infer.model
    if not _runnable(model):
        return tagger
    out = copy.copy(tagger)
    out.infer = copy.copy(tagger.infer)
    out.infer.model = _Model(model)
    encoder = out.infer.encoder = copy.copy(tagger.infer.encoder)
    key = (id(encoder.words_vocab), id(encoder.shapes_vocab))
    encoder.item = _CachedItem(encoder, {} if codes is None else codes.setdefault(key, {}))
    out.tag_table = _tag_table(out)
    return out


# Words whose ids a tagger's encoder remembers, at most (then it starts again).
CODES_KEPT = 200_000


class _CachedItem:
    """slovnet's ``WordShapeEncoder.item`` (each word's id and its shape's id), each word's ids
    found once: they are a function of the word and the two vocabularies, and every word is
    encoded by two taggers (morphology and syntax), NER a third time, and news repeats words."""

    def __init__(self, encoder: Any, codes: dict[str, tuple[int, int]]) -> None:
        from slovnet.shape import word_shape

        words, shapes = encoder.words_vocab, encoder.shapes_vocab
        self.codes = codes
        self.code = lambda word: (words.encode(word.lower()), shapes.encode(word_shape(word)))

    def __call__(self, words: list[str]) -> tuple[list[int], list[int]]:
        codes = self.codes
        pairs = [codes.get(word) for word in words]
        if None in pairs:
            if len(codes) > CODES_KEPT:
                codes.clear()
            for k, word in enumerate(words):
                if pairs[k] is None:
                    pairs[k] = codes[word] = self.code(word)
        return [p[0] for p in pairs], [p[1] for p in pairs]  # type: ignore[index]


def tag_morph(doc: Any, tagger: Any) -> None:
    """natasha's ``doc.tag_morph(tagger)``: each token's part of speech and features, set straight
    from the tagger's predicted tags (natasha passes them through two kinds of markup record
    first), each tag's text read once."""
    from slovnet.chop import chop

    infer = tagger.infer
    tags: Any = getattr(tagger, "tag_table", None) or _tag_table(tagger)
    for chunk in chop(doc.sents, tagger.batch_size):
        preds = infer.process(infer.encoder([[t.text for t in sent.tokens] for sent in chunk]))
        for sent, pred in zip(chunk, preds):
            for token, tag in zip(sent.tokens, pred.tolist()):
                token.pos, feats = tags[tag]
                token.feats = dict(feats)


def parse_syntax(doc: Any, parser: Any) -> None:
    """natasha's ``doc.parse_syntax(parser)``: each token's id, head id (``"<sentence>_<token>"``,
    1-based, 0 for the root) and relation, set straight from the parser's predictions."""
    from slovnet.chop import chop

    infer = parser.infer
    rels = infer.decoder.rels_vocab.items
    sent_id = 0
    for chunk in chop(doc.sents, parser.batch_size):
        preds = infer.process(infer.encoder([[t.text for t in sent.tokens] for sent in chunk]))
        for sent, (heads, rel_ids) in zip(chunk, preds):
            sent_id += 1
            for k, (token, head, rel) in enumerate(zip(sent.tokens, heads.tolist(), rel_ids.tolist()), 1):
                token.id = f"{sent_id}_{k}"
                token.head_id = f"{sent_id}_{head}"
                token.rel = rels[rel]


def _tag_table(tagger: Any) -> list[tuple[str, dict[str, str]]] | None:
    """Each tag of a tagger's vocabulary as slovnet reads it (part of speech, features), or None
    for the syntax parser (relations, no tags)."""
    from slovnet.conll import parse_conll_tag

    vocab = getattr(tagger.infer.decoder, "tags_vocab", None)
    return None if vocab is None else [parse_conll_tag(tag) for tag in vocab.items]


def ner_markups(tagger: Any, texts: list[str], words: list[list[str]]) -> list[Any]:
    """natasha's NER markup of each text, tagged together (``tagger.map(texts)``), from the words
    natasha's segmenter found in it: the tagger would split each text into the same words again
    (both are razdel's ``tokenize``)."""
    from natasha.ner import adapt_markup
    from slovnet.chop import chop
    from slovnet.markup import BIOMarkup

    infer = tagger.infer
    out = []
    for chunk in chop(list(zip(texts, words)), tagger.batch_size):
        items = [w for _text, w in chunk]
        preds = infer.decoder(infer.process(infer.encoder(items)))
        for (text, item), pred in zip(chunk, preds):
            out.append(adapt_markup(BIOMarkup.from_tuples(zip(item, pred)).to_span(text)))
    return out


def _runnable(model: Any) -> bool:
    from slovnet.exec import model as sm

    if type(model) not in (sm.Morph, sm.Syntax, sm.NER):
        return False
    if type(model.emb) is not sm.WordShapeEmbedding or type(model.encoder) is not sm.CNNEncoder:
        return False
    arrays = [w.array for w in model.weights if w.array is not None]
    if any(a.dtype not in (np.float32, np.uint8) for a in arrays):
        return False  # the padded buffers below are float32: another type would be rounded
    return all(type(layer.conv) is sm.Conv1d and type(layer.relu) is sm.ReLU
               and type(layer.norm) is sm.BatchNorm1d for layer in model.encoder.layers)


class _Head:
    """The NER head with the faster Viterbi decoding (projection and transitions slovnet's)."""

    def __init__(self, head: Any) -> None:
        self.proj = head.proj
        self.crf = _CRF(head.crf.transitions.array)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.proj(x)


class _CRF:
    def __init__(self, transitions: np.ndarray) -> None:
        self.transitions = transitions

    def decode(self, emissions: np.ndarray, mask: np.ndarray) -> list[np.ndarray]:
        """slovnet's ``CRF.decode``: the same scores, path and result."""
        batch_size, seq_len, tags_num = emissions.shape
        emissions = emissions.swapaxes(1, 0)
        mask = mask.swapaxes(1, 0)
        transitions = self.transitions
        history = []
        score = emissions[0]
        full = bool(mask.all())
        for index in range(1, seq_len):
            step = (score.reshape(batch_size, tags_num, 1) + transitions
                    + emissions[index].reshape(batch_size, 1, tags_num))
            history.append(step.argmax(-2))
            best = step.max(-2)  # the value at the argmax, exactly
            score = best if full else np.where(mask[index].reshape(batch_size, 1), best, score)
        sizes = (mask.sum(0) - 1).tolist()
        back = np.array(history).tolist() if history else []
        batch = []
        for index in range(batch_size):
            tag = int(score[index].argmax())
            tags = [tag]
            for step_back in reversed(back[:sizes[index]]):
                tag = step_back[index][tag]
                tags.append(tag)
            tags.reverse()
            batch.append(np.array(tags))
        return batch


class _Model:
    """A slovnet tagger's model (``Morph``, ``Syntax`` or ``NER``), called as slovnet calls it."""

    def __init__(self, model: Any) -> None:
        from slovnet.exec import model as sm

        self.model = model
        self.syntax = type(model) is sm.Syntax
        self.head: Any = _Head(model.head) if type(model) is sm.NER else model.head
        self.rel: Any = getattr(model, "rel", None)
        self.word = word = model.emb.word
        codes = np.ascontiguousarray(word.codes.array)  # (parts, centroids, part's floats)
        parts, centroids, size = codes.shape
        self.centroids = codes.reshape(parts * centroids, size).view(np.dtype((np.void, size * codes.itemsize))).ravel()
        self.part_offsets = np.arange(parts, dtype=np.intp) * centroids
        self.layers = [(layer.conv.weight.array.reshape(layer.conv.weight.shape[0], -1).T,
                        layer.conv.weight.shape[2], layer.conv.padding, layer.conv.bias.array,
                        layer.norm) for layer in model.encoder.layers]

    def __call__(self, word_id: np.ndarray, shape_id: np.ndarray, pad_mask: np.ndarray) -> Any:
        x = self._encode(word_id, shape_id, pad_mask)
        if not self.syntax:
            return self.head(x)
        from slovnet.exec.model import SyntaxPred

        head_id = self.head(x)
        rel_id = self.rel(x, self.head.decode(head_id, ~pad_mask))
        return SyntaxPred(head_id, rel_id)

    def _encode(self, word_id: np.ndarray, shape_id: np.ndarray, pad_mask: np.ndarray) -> np.ndarray:
        """slovnet's embedding and CNN encoder, channel-last: (batch, length, channels)."""
        batch, length = word_id.shape
        word, shape = self.word, self.model.emb.shape
        pad = self.layers[0][2]
        x = np.zeros((batch, length + 2 * pad, word.dim + shape.dim), np.float32)
        body = x[:, pad:pad + length]
        # navec's vector of a word: the centroid each of its quantised parts names
        # (``codes[part, index]``), taken whole rather than float by float
        parts = word.indexes.array[word_id.ravel()].astype(np.intp)
        parts += self.part_offsets
        body[..., :word.dim] = np.take(self.centroids, parts).view(np.float32).reshape(batch, length, word.dim)
        body[..., word.dim:] = shape.weight.array[shape_id.ravel()].reshape(batch, length, shape.dim)
        last = len(self.layers) - 1
        for k, (weight_t, kernel, pad, bias, norm) in enumerate(self.layers):
            in_dim = x.shape[2]
            count = x.shape[1] - kernel + 1
            # slovnet's window matrix: row (b, w) holds x[b, w + j, c] at column c * kernel + j
            windows = np.empty((batch, count, in_dim, kernel), np.float32)
            for j in range(kernel):
                windows[:, :, :, j] = x[:, j:j + count]
            out = np.matmul(windows.reshape(batch * count, in_dim * kernel), weight_t)
            # slovnet's steps, each in place (float32 throughout, so the same roundings): bias,
            # ReLU, batch norm ((x - mean) / std * weight + bias), the padding set to zero; the
            # last into the next layer's zero-padded input
            out += bias
            out.clip(0, out=out)
            out -= norm.mean.array
            out /= norm.std.array
            out *= norm.weight.array
            out = out.reshape(batch, count, -1)
            if k == last:
                out += norm.bias.array
                out[pad_mask] = 0
                return out
            following = self.layers[k + 1][2]
            x = np.zeros((batch, length + 2 * following, out.shape[2]), np.float32)
            body = x[:, following:following + length]
            np.add(out, norm.bias.array, out=body)
            body[pad_mask] = 0
        return x  # pragma: no cover - a model has layers
