"""Plain text: encodings round-trip exactly, titles, language, and every kind of bad input."""
from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clipfile.errors import IngestError
from clipfile.ingest import read_bytes, samples_dir
from clipfile.ingest.decode import decode_text
from clipfile.language import detect_language

RUSSIAN = (
    "Плотина выдержит паводок\r\n\r\n"
    "«Мы проверили все затворы», — сказал инженер. По словам мэра, ремонт завершат к 2026 году.\r\n"
    "— Вы уверены? — спросили мы.\n— Да, ёлки-палки, уверен.\n"
)
ENGLISH = (
    "Bridge reopens early\n\n"
    "The Millbrook bridge reopened on Tuesday, “two weeks ahead of schedule,” the council said.\n"
    "Crews worked   through the weekend.\t\n"
)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (ENGLISH, "utf-8"),
        (ENGLISH, "utf-8-sig"),
        (ENGLISH, "utf-16"),
        (ENGLISH, "utf-16-be"),
        (RUSSIAN, "utf-8"),
        (RUSSIAN, "utf-8-sig"),
        (RUSSIAN, "utf-16"),
        (RUSSIAN, "utf-16-le"),
        (RUSSIAN, "cp1251"),
        (RUSSIAN.replace("«", '"').replace("»", '"').replace("—", "-"), "koi8-r"),
        (ENGLISH.replace("“", '"').replace("”", '"') + "Café naïve résumé.\n", "cp1252"),
    ],
)
def test_encodings_round_trip_exactly(text: str, encoding: str) -> None:
    (doc,) = read_bytes(text.encode(encoding), name="article.txt")
    # Stored text is the decoded file unchanged: CRLF, tabs and spacing stay; only a BOM goes.
    assert doc.text == text
    assert doc.kind == "text"
    first_word = text.split()[1]
    start = text.index(first_word)
    assert doc.text[start:start + len(first_word)] == first_word


def test_bom_is_dropped_and_recorded() -> None:
    (doc,) = read_bytes(codecs.BOM_UTF8 + "Hello there, this is a short note.".encode(), name="a.txt")
    assert not doc.text.startswith("\ufeff")
    assert doc.metadata["bom"] is True
    assert doc.metadata["encoding"] == "utf-8"


def test_short_cp1251_and_koi8_are_told_apart() -> None:
    for encoding in ("cp1251", "koi8-r"):
        assert decode_text("Привет, мир".encode(encoding)).text == "Привет, мир"
        assert decode_text("Ёжик в тумане шёл домой".encode(encoding)).text == "Ёжик в тумане шёл домой"


def test_same_text_in_two_encodings_is_one_document() -> None:
    (a,) = read_bytes(RUSSIAN.encode("utf-8"), name="a.txt")
    (b,) = read_bytes(RUSSIAN.encode("cp1251"), name="b.txt")
    assert a.id == b.id
    assert a.language == b.language == "ru"


def test_title_is_first_short_line() -> None:
    (doc,) = read_bytes(ENGLISH.encode(), name="a.txt")
    assert doc.title == "Bridge reopens early"
    (one_line,) = read_bytes(b"Just one line of text without anything after it.", name="b.txt")
    assert one_line.title is None
    long_first = ("word " * 60 + "\nsecond line").encode()
    assert read_bytes(long_first, name="c.txt")[0].title is None


def test_fields_set_on_text_documents() -> None:
    (doc,) = read_bytes(ENGLISH.encode(), name="a.txt", origin="/tmp/a.txt")
    assert doc.origin == "/tmp/a.txt"
    assert doc.ingested and doc.ingested.endswith("+00:00")
    assert doc.language == "en"
    assert doc.id.startswith("d")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"   \n\t\r\n  ", "only whitespace"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "binary file"),
        (bytes(range(256)) * 8, "binary file"),
        (b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f" * 20 + b"text", "binary file"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8", "undecodable"),
        (codecs.BOM_UTF8 + b"ok \xff\xfe\xfd", "undecodable"),
    ],
)
def test_bad_input_gives_one_line_message(data: bytes, message: str) -> None:
    with pytest.raises(IngestError) as info:
        read_bytes(data, name="bad.txt", origin="bad.txt")
    text = str(info.value)
    assert message in text
    assert text.startswith("bad.txt: ")
    assert "\n" not in text


def test_undecodable_bytes_without_bom() -> None:
    # High bytes that no candidate code page turns into words: only symbols and stray letters.
    data = bytes([0x80, 0x81, 0x83, 0x88, 0x8B, 0x98, 0x99, 0x9B, 0xA6, 0xA9]) * 30
    with pytest.raises(IngestError, match="undecodable bytes"):
        read_bytes(data, name="odd.txt")


def test_too_big_names_size_limit_and_option() -> None:
    with pytest.raises(IngestError) as info:
        read_bytes(b"x" * 2048, name="big.txt", max_bytes=1024)
    message = str(info.value)
    assert "2.0 KB" in message and "1.0 KB limit" in message and "--max-bytes" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The council voted on Tuesday to approve the new bridge over the river.", "en"),
        ("Городской совет во вторник проголосовал за строительство нового моста.", "ru"),
        ("Міська рада у вівторок проголосувала за будівництво нового мосту через річку.", "uk"),
        ("Le conseil municipal a voté mardi pour la construction du nouveau pont.", "fr"),
        ("Der Stadtrat stimmte am Dienstag für den Bau der neuen Brücke über den Fluss.", "de"),
        ("Ok.", None),
        ("  12 34 -- !!", None),
    ],
)
def test_detect_language(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected


def test_nearly_valid_utf8_keeps_text_and_counts_bad_bytes() -> None:
    good = "Мэр заявил, что ремонт закончат к 2026 году, — сообщил «Вестник Побережья»."
    data = bytearray(good.encode("utf-8"))
    data[2] = 0xFF  # corrupt one byte of the first letter
    (doc,) = read_bytes(bytes(data), name="damaged.txt")
    assert doc.metadata["encoding"] == "utf-8" and doc.metadata["replaced_bytes"] >= 1
    assert doc.text.endswith(good[2:]) and "\ufffd" in doc.text


def test_nearly_valid_utf8_says_it_replaced_bytes() -> None:
    good = "Мэр заявил, что ремонт закончат к 2026 году, — сообщил «Вестник Побережья»."
    data = bytearray(good.encode("utf-8"))
    data[2] = 0xFF
    (doc,) = read_bytes(bytes(data), name="damaged.txt")
    (warning,) = doc.metadata["warnings"]
    assert f"{doc.metadata['replaced_bytes']} invalid bytes are stored as U+FFFD" in warning
    assert "encoding_confidence" not in doc.metadata


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # Stray bytes in English text: cp1251 would read them as "яюъ", cp1252 as "ÿþú".
        (b"The council met on Tuesday \xff\xfe\xfa and agreed to fund the bridge repairs.\n",
         "The council met on Tuesday \ufffd\ufffd\ufffd and agreed to fund the bridge repairs.\n"),
        # A broken two-byte sequence: "Г(" in cp1251, "Ã(" in cp1252.
        (b"The mayor said \xc3\x28 the budget would grow next year.\n",
         "The mayor said \ufffd( the budget would grow next year.\n"),
        (b"ok \xff text", "ok \ufffd text"),
    ],
)
def test_stray_bytes_in_ascii_become_replacement_characters(data: bytes, expected: str) -> None:
    (doc,) = read_bytes(data, name="a.txt")
    assert doc.text == expected and doc.language in ("en", None)
    assert doc.metadata["encoding"] == "utf-8" and doc.metadata["replaced_bytes"] == expected.count("\ufffd")
    (warning,) = doc.metadata["warnings"]
    assert "stored as U+FFFD" in warning and "no other encoding fits" in warning and "\n" not in warning


def test_a_guessed_encoding_is_a_warning_with_its_confidence(tmp_path) -> None:
    from _ingestcli import ingest_cli, stored

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ru.txt").write_bytes(RUSSIAN.encode("cp1251"))
    (folder / "stray.txt").write_bytes(b"The ferry left at noon \xff\xfe\xfa and returned late.\n")
    (folder / "plain.txt").write_text(ENGLISH, encoding="utf-8")
    r = ingest_cli(tmp_path / "lib.sqlite", str(folder))
    assert r.exit_code == 0, r.output  # warnings are not failures
    assert "3 new (2 with warnings)" in r.said
    docs = {d.origin.rsplit("/", 1)[-1]: d for d in stored(tmp_path / "lib.sqlite")}
    ru = docs["ru.txt"]
    assert ru.text == RUSSIAN and ru.metadata["encoding"] == "cp1251"
    confidence = ru.metadata["encoding_confidence"]
    assert 0.8 < confidence <= 1
    assert f"warning: encoding guessed as cp1251 (confidence {confidence:.2f})" in r.said
    assert docs["stray.txt"].text.count("\ufffd") == 3 and "3 invalid bytes are stored as U+FFFD" in r.said
    assert "warnings" not in docs["plain.txt"].metadata


def test_guess_confidence_grows_with_evidence() -> None:
    short = decode_text("Привет, мир".encode("koi8-r"))
    long = decode_text(RUSSIAN.replace("«", '"').replace("»", '"').replace("—", "-").encode("koi8-r"))
    assert short.encoding == long.encoding == "koi8-r"
    assert short.confidence is not None and long.confidence is not None
    assert short.confidence < long.confidence
    assert decode_text(ENGLISH.encode("utf-8")).confidence is None  # valid UTF-8 is no guess


def test_legacy_code_page_is_not_mistaken_for_damaged_utf8() -> None:
    text = "Ремонт плотины закончат к 2026 году, сообщили в мэрии."
    (doc,) = read_bytes(text.encode("cp1251"), name="a.txt")
    assert doc.text == text and "replaced_bytes" not in doc.metadata


_SAMPLE_BYTES = [p.read_bytes() for p in sorted(samples_dir().iterdir())]


@settings(max_examples=150, deadline=None)
@given(
    sample=st.sampled_from(_SAMPLE_BYTES),
    cut=st.floats(min_value=0, max_value=1),
    noise=st.lists(st.tuples(st.floats(min_value=0, max_value=1), st.integers(0, 255)), max_size=8),
    name=st.sampled_from([None, "a.txt", "a.html", "a.srt", "a.vtt", "a.jsonl", "a.xml"]),
)
def test_damaged_input_never_escapes_as_a_traceback(sample, cut, noise, name) -> None:
    data = bytearray(sample[: int(len(sample) * cut)])
    for where, value in noise:
        if data:
            data[min(int(where * len(data)), len(data) - 1)] = value
    try:
        docs = read_bytes(bytes(data), name=name)
    except IngestError as err:
        assert "\n" not in str(err)
        return
    for doc in docs:
        assert doc.text.strip()
        for cue in doc.metadata.get("cues", []):
            assert doc.text[cue["start"]:cue["end"]].strip()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Bakery closes\nBy Anna van Dijk, Valley Notes\nPublished 2 September 2024\n\n"
            "The Millbrook bakery closed its doors on Friday after sixty years on the high street.",
            {"author": "Anna van Dijk", "source": "Valley Notes", "published": "2024-09-02",
             "published_precision": "day"},
        ),
        (
            "Harbour news\nCoastline Daily\n22 January 2025\n\nThe harbour master resigned on Monday.",
            {"source": "Coastline Daily", "published": "2025-01-22", "published_precision": "day"},
        ),
        (
            "Мост закроют\n«Вестник Долины», 3 марта 2019 года\n\nМост через реку закроют на ремонт.",
            {"source": "Вестник Долины", "published": "2019-03-03", "published_precision": "day"},
        ),
        # Not headers: a sentence that starts with "By", a list of short capitalised lines.
        ("Vote soon\nBy Tuesday, the council must decide.\nMore text follows here.", {}),
        ("Notes\nShopping List\nMilk\nEggs", {}),
    ],
)
def test_header_lines_give_author_outlet_date(text: str, expected: dict) -> None:
    (doc,) = read_bytes(text.encode(), name="a.txt")
    got = {k: getattr(doc, k) for k in ("author", "source", "published", "published_precision")}
    assert {k: v for k, v in got.items() if v is not None} == expected
    assert doc.text == text  # the header stays in the text
