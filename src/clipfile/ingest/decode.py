"""Bytes to text: byte-order marks, UTF-8, legacy code pages, and refusing binary data.

The order of evidence is: a BOM decides; valid UTF-8 wins (UTF-8 with a few corrupt bytes is
kept, the bad bytes becoming U+FFFD); a declared charset (HTTP header or
HTML meta) is next; otherwise the candidates proposed by charset-normalizer plus the common
Cyrillic and Western code pages are each decoded and scored for plausibility, because
charset-normalizer alone often misreads short Russian texts (koi8-r as Shift-JIS, cp1251 as
cp1125).  Only the BOM is ever removed: the decoded text is otherwise what the file says.

A guess is never silent: the result carries the guessed encoding's ``confidence`` and a one-line
``warning``.  When even the best guess does not read as writing (a few stray bytes in English
text turn into ``яюъ`` or ``Г(``), mostly-ASCII input is decoded as UTF-8 with each bad byte
shown as U+FFFD, and the warning says so; the stored text is then that decoded text.
"""
from __future__ import annotations

import codecs
import contextlib
import re
import unicodedata
from dataclasses import dataclass

import charset_normalizer

from clipfile.errors import IngestError

__all__ = ["Decoded", "decode_text", "looks_binary"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Single-byte code pages worth trying for the languages Clipfile reads (English, Russian) and
# their usual neighbours.  charset-normalizer's own guesses are scored alongside these.
_CANDIDATES = (
    "cp1251", "koi8-r", "koi8-u", "cp866", "mac_cyrillic", "iso8859_5",
    "cp1252", "iso8859_15", "cp1250", "iso8859_2",
)

# Non-ASCII punctuation that real text uses; anything else that is not a letter counts as noise.
_PLAUSIBLE_SYMBOLS = set("«»„“”‘’‚—–…№°§©®™€£•·\u00a0\u2009\u202f±×")
# Those of them that may touch a word ("quoted", end—dash, Brand®); the rest stand apart.
_WORD_EDGE_SYMBOLS = set("«»„“”‘’‚—–…°®™")
_SPACES = set("\u00a0\u2009\u202f")
_QUOTES = set("«»„“”‘’‚")
_NUMERIC_SYMBOLS = set("€£№±×")

_COMMON_LETTERS = frozenset(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
    "іїєґІЇЄҐ"
    "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßœÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝŒ"
)

# Prior preference among code pages that decode the same bytes equally plausibly.
_PRIOR = {"cp1251": 1.0, "koi8-r": 0.8, "cp1252": 1.0, "iso8859-15": 0.3}

# Longer "words" of non-ASCII letters are runs of misread bytes, not writing.
_MAX_WORD = 40

# Controls that plain text may contain (tab, newlines, form feed); other controls mean binary.
_TEXT_CONTROLS = set("\t\n\r\f\v\x1b")


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text, the encoding it was read with, whether a BOM was dropped."""

    text: str
    encoding: str
    bom: bool = False
    replaced: int = 0  # invalid bytes shown as U+FFFD in nearly-valid UTF-8
    confidence: float | None = None  # set only when the encoding was guessed
    warning: str | None = None  # one line for the user: a guess, or bytes replaced


def looks_binary(data: bytes) -> bool:
    """True for data that is not text in any encoding Clipfile reads without a BOM.

    A NUL byte never occurs in single-byte or UTF-8 text; BOM-less UTF-16 is checked before.
    """
    return b"\x00" in data[:65536] or _control_share(data[:65536]) > 0.05


def _control_share(data: bytes) -> float:
    if not data:
        return 0.0
    bad = sum(1 for b in data if b < 32 and chr(b) not in _TEXT_CONTROLS)
    return bad / len(data)


def _bomless_utf16(data: bytes) -> str | None:
    """Guess UTF-16 without a BOM from the NUL pattern of mostly-ASCII or Cyrillic text."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:4096]
    evens, odds = sample[0::2], sample[1::2]
    nul_even = evens.count(0) / len(evens)
    nul_odd = odds.count(0) / len(odds)
    if nul_odd > 0.3 and nul_even < 0.05:
        encoding = "utf-16-le"
    elif nul_even > 0.3 and nul_odd < 0.05:
        encoding = "utf-16-be"
    else:
        # Cyrillic in UTF-16 has 0x04 as the high byte instead of NUL.
        hi_le = odds.count(4) + odds.count(0)
        hi_be = evens.count(4) + evens.count(0)
        if hi_le / len(odds) > 0.8 and odds.count(4) > 0:
            encoding = "utf-16-le"
        elif hi_be / len(evens) > 0.8 and evens.count(4) > 0:
            encoding = "utf-16-be"
        else:
            return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in _TEXT_CONTROLS)
    # ASCII-only English scores 0 on plausibility; what rules UTF-16 out is stray controls.
    return encoding if controls <= len(text) // 100 and _plausibility(text) >= 0 else None


def _plausibility(text: str) -> float:
    """Score how much ``text`` looks like real writing rather than mojibake (higher is better).

    Rewards non-ASCII letters that sit in words of one script and one case pattern; penalises
    symbols, controls, script mixing inside a word, and capitals in the middle of words (which is
    what koi8-r read as cp1251 and vice versa looks like).
    """
    score = 0.0
    for word in text.split():
        if word.isascii():
            continue  # the same in every candidate (and "Tory-Labour" is no mojibake)
        letters = [c for c in word if c.isalpha()]
        if not letters:
            score -= 2 * sum(1 for c in word if ord(c) > 127 and c not in _PLAUSIBLE_SYMBOLS)
            continue
        non_ascii = [c for c in letters if ord(c) > 127]
        if len(letters) > _MAX_WORD and non_ascii:
            score -= len(non_ascii)  # no real word is that long: a run of misread bytes
            continue
        scripts = {_script(c) for c in letters}
        if len(scripts) > 1:
            score -= 3 * len(non_ascii) + 1
        inner_caps = sum(
            1 for a, b in zip(letters, letters[1:]) if a.islower() and b.isupper()
        )
        score -= 2 * inner_caps
        if len(letters) > 2 and all(c.isupper() for c in letters) and non_ascii:
            # All-caps words exist, but mojibake produces them wholesale; a mild penalty.
            score -= 0.5
        if scripts == {"LATIN"} and len(letters) > 2 and len(non_ascii) == len(letters):
            score -= 2 * len(non_ascii)  # "Ìýð": Cyrillic bytes read as Western European
        elif len(scripts) == 1:
            # Clipfile reads Russian and Western European text: reward their letters only, so
            # Greek or Serbian-looking mojibake of the same bytes scores lower.
            score += sum(1 for c in non_ascii if c in _COMMON_LETTERS)
        for i, c in enumerate(word):
            if ord(c) > 127 and not c.isalpha() and c not in _PLAUSIBLE_SYMBOLS:
                score -= 3
            elif c in _PLAUSIBLE_SYMBOLS and 0 < i < len(word) - 1 and word[i - 1].isalpha() \
                    and word[i + 1].isalpha():
                score -= 3  # "за€вил": a symbol between letters is a misread letter
            elif unicodedata.category(c) == "Cc" and c not in _TEXT_CONTROLS:
                score -= 5
    return score


def _script(char: str) -> str:
    if ord(char) < 128:
        return "LATIN"
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def _nearly_utf8(data: bytes) -> Decoded | None:
    """UTF-8 with a few corrupt bytes: keep it, marking each bad byte with U+FFFD.

    Only when the file clearly is UTF-8 (several valid multi-byte characters) and the damage
    is small; a legacy code page has no valid multi-byte sequences and goes to the guesser.
    """
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    multibyte = sum(1 for c in text if ord(c) > 127 and c != "\ufffd")
    # One overwritten byte often costs two U+FFFD (the bad byte and its orphaned continuation).
    if multibyte >= 3 and replaced * 20 <= multibyte and replaced <= max(8, len(data) // 200):
        return Decoded(text, "utf-8", replaced=replaced, warning=_replaced_warning(replaced))
    return None


def _replaced_warning(replaced: int, why: str = "") -> str:
    what = "1 invalid byte is" if replaced == 1 else f"{replaced} invalid bytes are"
    return f"{what} stored as U+FFFD: the text is not valid UTF-8{why}"


def _decode_declared(data: bytes, declared: str | None) -> Decoded | None:
    if not declared:
        return None
    try:
        codecs.lookup(declared)
        return Decoded(data.decode(declared), codecs.lookup(declared).name)
    except (LookupError, UnicodeDecodeError):
        return None


def decode_text(data: bytes, *, declared: str | None = None, origin: str | None = None) -> Decoded:
    """Decode ``data`` to text, dropping only a leading BOM.

    Args:
        data: the raw bytes of a file or HTTP body.
        declared: a charset named by the container (HTTP ``Content-Type``, HTML ``<meta>``);
            it is used only when the bytes are not valid UTF-8 and it decodes them cleanly.
        origin: where the bytes came from, for error messages.

    Raises:
        IngestError: for binary data or bytes no candidate encoding reads plausibly.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom):].decode(encoding), encoding, bom=True)
            except UnicodeDecodeError as exc:
                raise IngestError(
                    f"undecodable bytes: the file starts with a {encoding} byte-order mark but "
                    f"is not valid {encoding} at byte {exc.start + len(bom)}",
                    origin,
                ) from exc
    utf16 = _bomless_utf16(data)
    if utf16:
        return Decoded(data.decode(utf16), utf16)
    if looks_binary(data):
        raise IngestError("binary file (contains NUL or control bytes), not text", origin)
    with contextlib.suppress(UnicodeDecodeError):
        return Decoded(data.decode("utf-8"), "utf-8")  # valid UTF-8 wins
    nearly = _nearly_utf8(data)
    if nearly is not None:
        return nearly
    declared_result = _decode_declared(data, declared)
    if declared_result is not None:
        return declared_result
    return _guess(data, origin)


def _guess(data: bytes, origin: str | None) -> Decoded:
    """Pick the most plausible decoding among charset-normalizer's guesses and common code pages.

    Candidates are ranked by :func:`_plausibility`; the first whose non-ASCII characters mostly
    read as writing (:func:`_fit`) is taken.  If none does, mostly-ASCII input keeps its ASCII
    and shows the stray bytes as U+FFFD; other input is refused.
    """
    sample = data[:200_000]
    proposed: list[str] = []
    try:
        for match in charset_normalizer.from_bytes(sample):
            proposed.append(match.encoding)
    except Exception:  # noqa: BLE001 - a detector failure just leaves our own candidates
        proposed = []
    ranked: list[tuple[float, int, str, str]] = []
    seen: set[str] = set()
    for rank, encoding in enumerate([*proposed, *_CANDIDATES]):
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            continue
        if name in seen:
            continue
        seen.add(name)
        try:
            text = sample.decode(name)
        except UnicodeDecodeError:
            continue
        score = _plausibility(text) + _PRIOR.get(name, 0.0)
        if encoding in proposed[:1]:
            score += 0.5  # charset-normalizer's first choice breaks near-ties
        ranked.append((score, -rank, name, text))
    ranked.sort(reverse=True)
    top: tuple[str, float] | None = None
    for score, _, encoding, text in ranked:
        if score < 0:
            break
        fit, evidence = _fit(text)
        top = top or (encoding, fit)
        if fit >= MIN_FIT:
            break
    else:
        fit = 0.0
    if top is None or fit < MIN_FIT:
        high = sum(1 for b in data if b > 127)
        if high <= max(MAX_STRAY_BYTES, len(data) * MAX_STRAY_SHARE):
            text = data.decode("utf-8", errors="replace")
            replaced = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
            why = " and no other encoding fits it"
            if top is not None:
                why += f" (the best guess, {top[0]}, reads {top[1]:.0%} of them as writing)"
            return Decoded(text, "utf-8", replaced=replaced, warning=_replaced_warning(replaced, why))
        raise IngestError(
            "undecodable bytes: not UTF-8 and no common encoding (cp1251, koi8-r, cp1252, "
            "...) reads it as text",
            origin,
        )
    # Little evidence makes even a perfect fit an uncertain guess: 4 letters give at most 0.5.
    confidence = round(fit * evidence / (evidence + 4), 2)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"undecodable bytes: looks like {encoding} but byte {exc.start} does not decode", origin
        ) from exc
    return Decoded(
        text, encoding, confidence=confidence,
        warning=f"encoding guessed as {encoding} (confidence {confidence:.2f}): the file is not "
        "UTF-8 and names no charset",
    )


# A guess must read at least this share of the non-ASCII characters as writing.
MIN_FIT = 0.75
# Input whose bytes are at most this share non-ASCII (or this few) is "mostly ASCII": when no
# encoding fits its high bytes, they are damage, shown as U+FFFD, not a reason to refuse the file.
MAX_STRAY_SHARE = 0.1
MAX_STRAY_BYTES = 3

_WORD = re.compile(r"[^\W\d_]+")
_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_RU_VOWELS = frozenset("аеёиоуыэюяіїє")
_ONE_LETTER_RU = frozenset("вкс")  # Russian one-letter words without a vowel
_ONE_LETTER_LATIN = frozenset("àèéòù")  # à, è, é, ... are words on their own in Western languages


def _fit(text: str) -> tuple[float, int]:
    """The share of non-ASCII characters in ``text`` that read as writing, and how many there are.

    A non-ASCII letter reads as writing when its word is in one script and case pattern, in the
    letters Clipfile reads, and -- for Cyrillic -- shaped like a Russian word (a vowel, no ``ъ``
    after a vowel, no soft or hard sign first).  It does not when it looks like a byte that
    landed in a word: a short word in another script than the words on both sides of it
    (``The council яюъ agreed``), or a Latin word that, without its one accented letter, is a
    word the text spells elsewhere in plain ASCII (``theám`` beside ``them``).  A non-ASCII
    symbol reads as writing when it is punctuation that may touch a word (quotes, dashes) or
    other common symbols standing apart from letters (``£85``, ``3 × 4``).
    """
    tokens = _ASCII_SPACE.split(text)  # a no-break space is a character to judge, not a gap
    scripts = [{_script(c) for c in t if c.isalpha()} for t in tokens]
    vocabulary: set[str] | None = None
    good = total = 0
    for i, token in enumerate(tokens):
        non_ascii = sum(1 for c in token if ord(c) > 127)
        if not non_ascii:
            continue
        total += non_ascii
        for j, c in enumerate(token):
            if ord(c) > 127 and not c.isalpha():
                touches = (j > 0 and token[j - 1].isalpha()) or (j + 1 < len(token) and token[j + 1].isalpha())
                between = 0 < j < len(token) - 1 and token[j - 1].isalpha() and token[j + 1].isalpha()
                if c in _SPACES or c in _QUOTES:  # glue or enclose something: "10 km", “so”
                    good += len(token) > 1 and not between and (c in _QUOTES or 0 < j < len(token) - 1)
                elif c in _NUMERIC_SYMBOLS:  # go with a number: "£85", "5 €", "№ 3", "3 × 4"
                    near = token + (tokens[i - 1] if i else "") + (tokens[i + 1] if i + 1 < len(tokens) else "")
                    good += not touches and any(ch.isdigit() for ch in near)
                else:
                    good += c in _PLAUSIBLE_SYMBOLS and not between and (not touches or c in _WORD_EDGE_SYMBOLS)
        for m in _WORD.finditer(token):
            word = m.group()
            letters = sum(1 for c in word if ord(c) > 127)
            if not letters or not _word_fits(word) or _stranded(word, scripts, i):
                continue
            if letters == 1 and _script(next(c for c in word if ord(c) > 127)) == "LATIN":
                if vocabulary is None:
                    vocabulary = {w.lower() for w in _WORD.findall(text) if w.isascii()}
                if _misplaced_letter(word, vocabulary):
                    continue
            good += letters
    return (good / total if total else 1.0), total


def _misplaced_letter(word: str, vocabulary: set[str]) -> bool:
    """True when removing or replacing the one non-ASCII letter gives a known ASCII word."""
    at = next(i for i, c in enumerate(word) if ord(c) > 127)
    lower = word.lower()
    removed = lower[:at] + lower[at + 1:]
    if len(removed) >= 2 and removed in vocabulary:
        return True
    return len(lower) >= 4 and any(lower[:at] + c + lower[at + 1:] in vocabulary for c in "aeiouy")


def _word_fits(word: str) -> bool:
    scripts = {_script(c) for c in word}
    if len(scripts) > 1 or len(word) > _MAX_WORD:
        return False
    if any(ord(c) > 127 and c not in _COMMON_LETTERS for c in word):
        return False
    if any(a.islower() and b.isupper() for a, b in zip(word, word[1:])):
        return False
    lower = word.lower()
    if scripts == {"CYRILLIC"}:
        if word.isupper() and 2 <= len(word) <= 5:
            return True  # an abbreviation: США, РФ, МЧС
        if not any(c in _RU_VOWELS for c in lower) and lower not in _ONE_LETTER_RU:
            return False
        if lower[0] in "ъьы" or any(a in _RU_VOWELS and b in "ъь" for a, b in zip(lower, lower[1:])):
            return False
        return not any(a == b == c for a, b, c in zip(lower, lower[1:], lower[2:]))
    if all(ord(c) > 127 for c in word):
        return len(word) == 1 and word in _ONE_LETTER_LATIN  # "ÿþú" or a lone "Ã" is no word
    return True


def _stranded(word: str, scripts: list[set[str]], i: int) -> bool:
    """A word of three letters or fewer whose script differs from both neighbouring words'."""
    if len(word) > 3:
        return False
    mine = _script(word[0])
    before = next((s for s in reversed(scripts[:i]) if s), None)
    after = next((s for s in scripts[i + 1:] if s), None)
    return before is not None and after is not None and mine not in before and mine not in after
