"""Recycled text: within a document, across a library, persistence, and a generated-library property."""
from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from clipfile.analysis.duplicates import MIN_WORDS, DuplicateIndex, duplicates, paragraphs
from clipfile.store.sqlite import SQLiteStore

STORY = (
    "The harbour board met on Tuesday to discuss the silted channel near the old fish market.\n"
    "Board chair Ana Ruiz said the dredging contract would cost six million euros over three years.\n"
    "Short caption here.\n"
    "Fishermen complained that larger trawlers had been stuck outside the breakwater for weeks.\n"
    "Ruiz said the port would stay closed to large ships indefinitely. Several crews have already left.\n"
    "Board chair Ana Ruiz said the dredging contract would cost seven million euros over three years.\n"
    "Short caption here.\n"
    "Ruiz said the port would stay closed to large ships for at least two more months.\n"
    "Fishermen complained that larger trawlers had been stuck outside the breakwater for weeks.\n"
)


def check(text: str, found):
    for d in found:
        assert d.start < d.end and d.of.start < d.of.end
        assert text[d.start:d.end].strip() == text[d.start:d.end]


def test_paragraph_units_skip_short_ones():
    units = paragraphs(STORY)
    assert all(STORY[u.start:u.end] == u.text for u in units)
    assert not any(u.text == "Short caption here." for u in units)
    assert all(len(u.text.split()) >= MIN_WORDS for u in units)
    # The two-sentence paragraph is compared whole and by its sentences.
    assert any(u.text == "Several crews have already left." for u in units) is False  # 5 words: too short
    assert any(u.text.startswith("Ruiz said the port would stay closed to large ships indefinitely.")
               and u.text.endswith("indefinitely.") for u in units)


def test_within_document_exact_and_near_copies():
    found = duplicates(STORY, document_id="d1")
    check(STORY, found)
    by_text = {STORY[d.start:d.end]: d for d in found}
    exact = by_text["Fishermen complained that larger trawlers had been stuck outside the breakwater for weeks."]
    assert exact.similarity == 1.0 and exact.of.document == "d1"
    assert exact.of.start == STORY.index("Fishermen") and exact.inconsistencies == ()

    figure = by_text["Board chair Ana Ruiz said the dredging contract would cost seven million euros over three years."]
    assert figure.of.start == STORY.index("Board chair")
    assert 0.5 <= figure.similarity < 1.0
    assert figure.inconsistencies == ("'six' vs 'seven'",)

    span = by_text["Ruiz said the port would stay closed to large ships for at least two more months."]
    assert STORY[span.of.start:span.of.end] == "Ruiz said the port would stay closed to large ships indefinitely."
    assert span.inconsistencies == ("'indefinitely' vs 'for at least two more months'",)
    assert len(found) == 3


def test_no_duplicates_in_distinct_text():
    text = ("The council approved a new cycle lane along the river road last spring.\n"
            "Shopkeepers on the high street said the works had cut their trade by half.\n"
            "A spokesman for the council promised compensation for businesses along the route.\n")
    assert duplicates(text, document_id="x") == []


def test_library_points_at_earliest_published_copy():
    para = "Heavy rain flooded the lower town overnight and the mayor ordered the school to close."
    other = "The fire brigade pumped water from twelve cellars while volunteers filled sandbags."
    index = DuplicateIndex()
    index.add("late", "2022-05-03", f"{other}\n{para}\n")
    index.add("early", "2022-05-01", f"Intro line about the weather in the valley today.\n{para}\n")
    text = f"Local news roundup for the week in the river valley towns.\n{para} Residents said the same thing had happened twice before and that nobody at the town hall ever listened to them.\n"
    found = index.find("new", text, "2022-05-04")
    assert len(found) == 1
    d = found[0]
    assert d.of.document == "early"
    assert text[d.start:d.end] == para
    # The origin of a passage is not reported as a duplicate of its later copies.
    assert index.find("early", f"Intro line about the weather in the valley today.\n{para}\n", "2022-05-01") == []


def test_library_near_copy_with_changed_figure():
    index = DuplicateIndex()
    index.add("a", "2021-01-01", "The ministry said nine people were injured when the bridge collapsed near the mill.\n")
    text = "The ministry said eleven people were injured when the bridge collapsed near the mill.\n"
    (d,) = index.find("b", text, "2021-01-02")
    assert d.of.document == "a" and d.inconsistencies == ("'nine' vs 'eleven'",)


def test_index_persists_in_its_store(tmp_path):
    """The index lives in a store's tables: another session over the same file finds the same."""
    texts = {
        "a": "Workers at the cannery walked out after managers cut the night shift without notice.\n",
        "b": "A new bakery opened on the corner of Mill Street, selling rye bread and pastries.\n",
    }
    query = "Workers at the cannery walked out after managers cut the night shift without any notice.\n"
    path = tmp_path / "index.sqlite"
    with SQLiteStore(path) as store:
        index = DuplicateIndex(store.recycled)
        for i, (doc, t) in enumerate(texts.items()):
            index.add(doc, f"2020-01-0{i + 1}", t)
        before = index.find("c", query, "2020-02-01")
    with SQLiteStore(path) as store:
        again = DuplicateIndex(store.recycled, texts=texts)
        assert len(again) == 2 and "a" in again and "c" not in again
        assert again.find("c", query, "2020-02-01") == before != []
        # Without the texts the copy is still found with its exact similarity (the index keeps
        # the bigram hashes); only the inconsistencies need the earlier wording.
        blind = DuplicateIndex(store.recycled, keep_text=False)
        [d] = blind.find("c", query, "2020-02-01")
        assert (d.of.document, d.similarity) == ("a", before[0].similarity)


WORDS = [f"w{i}" for i in range(2000)]


def _paragraph(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60))) + "."


def _edit(rng: random.Random, para: str, edits: int) -> str:
    words = para.rstrip(".").split()
    for _ in range(edits):
        i = rng.randrange(len(words))
        op = rng.choice(["sub", "del", "ins"])
        if op == "sub":
            words[i] = rng.choice(WORDS)
        elif op == "del" and len(words) > MIN_WORDS + 12:
            del words[i]
        else:
            words.insert(i, rng.choice(WORDS))
    return " ".join(words) + "."


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_docs=st.integers(2, 8), edits=st.integers(0, 2))
def test_generated_library_every_copy_found(seed, n_docs, edits):
    rng = random.Random(seed)
    docs = [[_paragraph(rng) for _ in range(rng.randint(2, 6))] for _ in range(n_docs)]
    copies = {}  # doc index -> the edited copy planted in it
    for d in range(1, n_docs):
        src = rng.randrange(d)
        copy = _edit(rng, rng.choice(docs[src]), edits)
        docs[d].insert(rng.randrange(len(docs[d]) + 1), copy)
        copies[d] = copy
    index = DuplicateIndex()
    for d, paras in enumerate(docs):
        text = "\n".join(paras) + "\n"
        found = index.find(f"d{d}", text, f"2020-01-{d + 1:02d}")
        if d:
            start = text.index(copies[d])
            hit = [f for f in found if f.start == start and f.end == start + len(copies[d])]
            assert hit, (copies[d], found)
            assert int(hit[0].of.document[1:]) < d and hit[0].similarity >= 0.5
        index.add(f"d{d}", f"2020-01-{d + 1:02d}", text)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), edits=st.integers(0, 2))
def test_generated_document_every_copy_found(seed, edits):
    rng = random.Random(seed)
    paras = [_paragraph(rng) for _ in range(rng.randint(3, 10))]
    src = rng.randrange(len(paras))
    copy = _edit(rng, paras[src], edits)
    paras.insert(rng.randint(src + 1, len(paras)), copy)
    text = "\n".join(paras) + "\n"
    found = duplicates(text, document_id="g")
    copy_start = text.index(copy, text.index(paras[src]) + len(paras[src]))
    assert any(f.start == copy_start and f.of.start == text.index(paras[src]) for f in found), found



def test_seed_repeats_found(seed_text):
    text = seed_text
    found = duplicates(text, document_id="seed")
    check(text, found)
    # Every verbatim repeat of a unit (normalised) must be reported.
    from clipfile.analysis.duplicates import _units

    seen: dict[tuple[str, ...], int] = {}
    for u in _units(text):
        key = tuple(u.tokens)
        if key in seen and seen[key] < u.paragraph:
            assert any(d.start <= u.start and u.end <= d.end for d in found), text[u.start:u.end]
        seen.setdefault(key, u.paragraph)
    # At least one pair differs in a time span and is flagged.
    assert any(d.inconsistencies for d in found)


def test_signatures_are_datasketch_minhashes():
    """The vectorised signatures equal datasketch's MinHash of the same bigrams."""
    from datasketch import MinHash

    from clipfile.analysis.duplicates import _bigram_hashes, _bigrams, _h32, _hasher, _units

    hasher = _hasher(64)
    units = _units(STORY)
    sigs = hasher.signatures([_bigram_hashes(u.tokens) for u in units])
    for u, sig in zip(units, sigs):
        m = MinHash(num_perm=64, permutations=hasher.permutations, scheme="affine32", hashfunc=_h32)
        m.update_batch(list(_bigrams(u.tokens)))
        assert (m.hashvalues == sig).all()


def _shared_library(rng: random.Random, n_docs: int):
    """Documents mixing fresh paragraphs with shared ones (some edited), on distinct dates."""
    shared = [_paragraph(rng) for _ in range(6)]
    docs = []
    for d in range(n_docs):
        paras = [_paragraph(rng) for _ in range(rng.randint(1, 3))]
        for p in rng.sample(shared, rng.randint(1, 3)):
            paras.insert(rng.randrange(len(paras) + 1), _edit(rng, p, rng.randint(0, 2)))
        docs.append("\n".join(paras) + "\n")
    dates = [f"2021-{m:02d}-{day:02d}" for m in range(1, 13) for day in range(1, 29)]
    published = rng.sample(dates, n_docs)
    return docs, published


def _ingest_in_order(docs, published, order):
    """Add documents in the given order the way the library does: each ``add`` names indexed
    documents whose duplicates it changed, and those are recomputed from the stored origins."""
    index = DuplicateIndex()
    results = {}
    for d in order:
        doc_id = f"d{d}"
        results[doc_id] = index.find(doc_id, docs[d], published[d])
        for later in index.add(doc_id, published[d], docs[d]):
            results[later] = index.stored_duplicates(later, docs[int(later[1:])])
    return index, results


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_docs=st.integers(3, 9))
def test_out_of_order_adds_end_like_chronological_ones(seed, n_docs):
    """Adding documents in any order (older copies arriving late, some undated) leaves every
    document pointing where adding them oldest-first would, recomputing only what add names."""
    rng = random.Random(seed)
    docs, published = _shared_library(rng, n_docs)
    for d in rng.sample(range(n_docs), n_docs // 3):
        published[d] = None
    undated = [d for d in range(n_docs) if published[d] is None]
    shuffled = rng.sample(range(n_docs), n_docs)
    # undated documents sort by the order they were added: keep theirs the same in both runs
    queue = iter(undated)
    shuffled = [next(queue) if published[d] is None else d for d in shuffled]
    chronological = sorted((d for d in range(n_docs) if published[d]), key=lambda d: published[d]) + undated
    _, expected = _ingest_in_order(docs, published, chronological)
    index, got = _ingest_in_order(docs, published, shuffled)
    assert got == expected
    for doc_id, found in got.items():
        assert found == index.stored_duplicates(doc_id, docs[int(doc_id[1:])])
        for f in found:
            other = published[int(f.of.document[1:])]
            mine = published[int(doc_id[1:])]
            if mine is not None:  # an undated copy may point at an undated one added before it
                assert other is not None and other < mine


def test_candidates_per_unit_stay_bounded():
    """A sentence repeated in hundreds of documents is one passage, and a sentence with hundreds
    of near variants costs at most MAX_CANDIDATES verified candidates per unit."""
    from clipfile.analysis.duplicates import MAX_CANDIDATES, PER_BAND

    rng = random.Random(5)
    wire = "The coastguard said the ferry Marisol ran aground near the northern pier at dawn on Sunday."
    template = "Officials in the port town counted {} damaged boats and {} flooded homes after the storm."
    index = DuplicateIndex(keep_text=False)
    for d in range(300):
        variant = template.format(rng.randint(10, 10_000), rng.choice(WORDS))
        text = f"{_paragraph(rng)}\n{wire}\n{variant}\n"
        index.add(f"d{d:03d}", f"2022-{1 + d % 12:02d}-{1 + d % 28:02d}", text)
    passages = index._table.bigrams(range(1, 10_000))
    assert len(passages) <= 2 * 300 + 1  # the wire sentence once, not 300 times
    index.stats.clear()
    probe = f"{wire}\n{template.format(77, 'harbour')}\n"
    found = index.find("probe", probe, "2023-06-01")
    units = index.stats["units"]
    assert units == 2
    assert index.stats["candidates"] <= units * (MAX_CANDIDATES + 1)
    assert index.stats["postings"] <= units * PER_BAND * index._hasher.bands
    # the wire sentence still points at its earliest copy: the first of January's documents
    first = [f for f in found if probe[f.start:f.end] == wire]
    assert first and first[0].of.document == "d000" and first[0].similarity == 1.0
    # the variant is found through band keys (by now most are held in memory, sorted)
    [variant] = [f for f in found if probe[f.start:f.end].startswith("Officials")]
    assert variant.similarity >= 0.5 and variant.inconsistencies == ()  # texts not kept


def test_permutations_are_datasketchs():
    """The permutations drawn without importing datasketch are the ones its MinHash draws for
    the same seed (stored band keys depend on them)."""
    from datasketch import MinHash

    from clipfile.analysis.duplicates import affine32_permutations

    for num_perm, seed in ((64, 20240501), (128, 1), (7, 42)):
        ours = affine32_permutations(num_perm, seed)
        theirs = MinHash(num_perm=num_perm, seed=seed).permutations
        assert ours.dtype == theirs.dtype and (ours == theirs).all()
