#!/usr/bin/env python3
"""How often the decoder reads bytes right, says when it guessed, and refuses.

Real articles from ``../shared/bench/realnews`` (English and Russian) and short Russian sentences
from ``../shared/bench/quotes/adaq-ru-dev.jsonl`` are encoded in the legacy code pages Clipfile
must read (cp1251, koi8-r, cp1252), and damaged the way files get damaged: a few stray high bytes
in ASCII English, a few corrupt bytes in UTF-8 Russian.  Each case is decoded with
``clipfile.ingest.decode.decode_text`` and counted as

* right: the text is what was encoded (for damage: every stray byte is one U+FFFD and nothing
  else changed);
* wrong: decoded, but to other text (mojibake, a wrong language);
* refused: an ``IngestError``;
* warned: the result carries a warning (a guess or replaced bytes).

Prints one row per case family; asserts nothing.

    python bench/decode.py [--seed 1]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from clipfile.errors import IngestError  # noqa: E402
from clipfile.ingest.decode import decode_text  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CLIPFILE_SHARED") or ROOT.parent / "shared") / "bench"


def _texts(path: Path, key: str = "text") -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line)[key] for line in fh if line.strip()]


def _encodable(text: str, encoding: str) -> tuple[bytes, str]:
    """The bytes of ``text`` in ``encoding`` (characters it lacks dropped) and what they say."""
    data = text.encode(encoding, errors="ignore")
    return data, data.decode(encoding)


def _stray_ascii(text: str, rng: random.Random, k: int) -> tuple[bytes, str]:
    """ASCII text with ``k`` lone high bytes put between characters: each must become U+FFFD."""
    ascii_text = text.encode("ascii", errors="ignore").decode("ascii")
    spots = sorted(rng.sample(range(1, len(ascii_text)), k))
    data, expected, last = bytearray(), [], 0
    for spot in spots:
        data += ascii_text[last:spot].encode() + bytes([rng.randint(0x80, 0xFF)])
        expected.append(ascii_text[last:spot] + "\ufffd")
        last = spot
    data += ascii_text[last:].encode()
    expected.append(ascii_text[last:])
    return bytes(data), "".join(expected)


def _corrupt_utf8(text: str, rng: random.Random, k: int) -> tuple[bytes, Callable[[str], bool]]:
    """UTF-8 with ``k`` bytes of Cyrillic letters overwritten by 0xFF: right if only those changed."""
    data = bytearray(text.encode("utf-8"))
    lead = [i for i, b in enumerate(data) if 0xD0 <= b <= 0xD1]
    for i in rng.sample(lead, k):
        data[i] = 0xFF

    def check(decoded: str) -> bool:
        pieces = [p for p in decoded.split("\ufffd") if p]
        at = 0
        for piece in pieces:
            at = text.find(piece, at)
            if at < 0:
                return False
            at += len(piece)
        return 0 < decoded.count("\ufffd") <= 2 * k

    return bytes(data), check


def cases(seed: int) -> Iterator[tuple[str, bytes, Callable[[str], bool]]]:
    rng = random.Random(seed)
    en = _texts(SHARED / "realnews" / "en-dev.jsonl")
    ru = _texts(SHARED / "realnews" / "ru-dev.jsonl")
    ru_short = [t for t in _texts(SHARED / "quotes" / "adaq-ru-dev.jsonl") if len(t) < 200]

    def exact(expected: str) -> Callable[[str], bool]:
        return lambda decoded: decoded == expected

    for family, texts, encoding in (
        ("ru article cp1251", ru, "cp1251"), ("ru article koi8-r", ru, "koi8-r"),
        ("ru sentence cp1251", ru_short, "cp1251"), ("ru sentence koi8-r", ru_short, "koi8-r"),
        ("en article cp1252", en, "cp1252"),
    ):
        for text in texts:
            data, expected = _encodable(text, encoding)
            yield family, data, exact(expected)
    for k in (1, 3, 8):
        for text in en:
            data, expected = _stray_ascii(text, rng, k)
            yield f"en ascii + {k} stray bytes", data, exact(expected)
    for text in en:  # a short line is where stray bytes are most of the evidence
        line = next(p for p in text.split("\n") if len(p) > 60)[:120]
        data, expected = _stray_ascii(line, rng, 2)
        yield "en line + 2 stray bytes", data, exact(expected)
    for k in (1, 2):
        for text in ru:
            data, check = _corrupt_utf8(text, rng, k)
            yield f"ru utf-8 + {k} bad bytes", data, check


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not (SHARED / "realnews" / "en-dev.jsonl").exists():
        sys.exit(f"bench data not found under {SHARED}; set CLIPFILE_SHARED to the shared folder")
    rows: dict[str, list[int]] = {}
    for family, data, check in cases(args.seed):
        row = rows.setdefault(family, [0, 0, 0, 0, 0])  # n, right, wrong, refused, warned
        row[0] += 1
        try:
            decoded = decode_text(data)
        except IngestError:
            row[3] += 1
            continue
        row[1 if check(decoded.text) else 2] += 1
        row[4] += bool(getattr(decoded, "warning", None))
    print(f"{'case':28} {'n':>4} {'right':>7} {'wrong':>7} {'refused':>8} {'warned':>7}")
    for family, (n, right, wrong, refused, warned) in rows.items():
        print(f"{family:28} {n:4d} {right / n:7.0%} {wrong / n:7.0%} {refused / n:8.0%} {warned / n:7.0%}")


if __name__ == "__main__":
    main()
