"""Targets to sources (folders, hidden files, URLs, stdin) and reading each kind of source."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from clipfile.errors import IngestError
from clipfile.ingest import DEFAULT_MAX_BYTES, Source, expand_sources, read_source, samples_dir

from _ingestcli import ingest_cli, stored


def test_expand_sources_walks_folders_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("b")
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / ".hidden.txt").write_text("h")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.srt").write_text("c")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    refs = [Path(s.ref).relative_to(tmp_path).as_posix() for s in expand_sources([str(tmp_path)])]
    assert refs == ["a.txt", "b.txt", "sub/c.srt"]
    flat = [Path(s.ref).name for s in expand_sources([str(tmp_path)], recursive=False)]
    assert flat == ["a.txt", "b.txt"]


def test_expand_sources_kinds(tmp_path: Path) -> None:
    sources = list(expand_sources(["-", "https://example.test/a", "HTTP://example.test/b", str(tmp_path / "nope.txt")]))
    assert [s.kind for s in sources] == ["stdin", "url", "url", "path"]
    # A missing path is still yielded, so reading it fails for that item alone.
    assert sources[3].path == tmp_path / "nope.txt"


def test_read_stdin() -> None:
    stream = io.BytesIO("Погода: завтра дождь и сильный ветер в долине.".encode("cp1251"))
    (doc,) = read_source(Source("stdin", "-"), stdin=stream)
    assert doc.text == "Погода: завтра дождь и сильный ветер в долине."
    assert doc.origin == "<stdin>"


def test_stdin_over_limit() -> None:
    with pytest.raises(IngestError, match="over the 1.0 KB limit"):
        read_source(Source("stdin", "-"), stdin=io.BytesIO(b"x" * 5000), max_bytes=1024)


def test_path_errors(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no such file"):
        read_source(Source("path", "missing.txt", tmp_path / "missing.txt"))
    with pytest.raises(IngestError, match="is a folder"):
        read_source(Source("path", str(tmp_path), tmp_path))
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * 1000)
    with pytest.raises(IngestError, match=r"file is 4.9 KB, over the 1.0 KB limit \(raise it with --max-bytes"):
        read_source(Source("path", str(big), big), max_bytes=1024)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(IngestError, match="empty file"):
        read_source(Source("path", str(empty), empty))


def test_hundred_megabyte_file_refused_without_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as fh:  # sparse: 100 MB on paper, nothing on disk
        fh.truncate(100 * 1024 * 1024)
    with pytest.raises(IngestError, match=r"100.0 MB, over the 50.0 MB limit"):
        read_source(Source("path", str(huge), huge))
    assert DEFAULT_MAX_BYTES == 50 * 1024 * 1024


def test_origin_is_absolute_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "note.txt").write_text("A note about the river level this morning.", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    (src,) = expand_sources(["note.txt"])
    (doc,) = read_source(src)
    assert doc.origin == str(tmp_path / "note.txt")


def test_every_sample_reads() -> None:
    kinds: dict[str, set[str]] = {}
    by_name = {}
    for src in expand_sources([str(samples_dir())]):
        docs = read_source(src)
        assert docs and not docs.errors, src.ref
        name = Path(src.ref).name
        by_name[name] = docs
        kinds.setdefault(docs[0].kind, set()).add(name)
        for doc in docs:
            assert doc.text.strip() and doc.language in ("en", "ru")
    assert set(kinds) == {"text", "html", "feed-entry", "transcript"}
    assert len(by_name["averill-courier-feed.xml"]) == 3
    utf8, cp1251 = by_name["ru-plotina.txt"][0], by_name["ru-plotina-cp1251.txt"][0]
    assert utf8.text == cp1251.text and utf8.id == cp1251.id and utf8.language == "ru"
    assert cp1251.metadata["encoding"] == "cp1251"
    english = [d for n, docs in by_name.items() for d in docs if d.language == "en" and d.kind == "text"]
    assert len(english) >= 6


def test_samples_reuse_a_paragraph_across_outlets() -> None:
    interview = (samples_dir() / "courier-reiner-interview.txt").read_text(encoding="utf-8")
    funding = (samples_dir() / "ledger-dam-funding.txt").read_text(encoding="utf-8")
    paragraphs = [p for p in interview.split("\n\n") if len(p) > 80]
    repeated = [p for p in set(paragraphs) if paragraphs.count(p) > 1]
    assert len(repeated) == 1 and repeated[0] in funding
    # ...and a near-repeat with a changed figure.
    assert repeated[0].replace("340", "430") in paragraphs


def test_audio_files_go_to_speech_recognition(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from clipfile.ingest import audio
    from clipfile.ingest.sources import _AUDIO_SUFFIXES
    from clipfile.records import Document

    assert _AUDIO_SUFFIXES == audio.AUDIO_EXTENSIONS
    clip = tmp_path / "bulletin.mp3"
    clip.write_bytes(b"ID3 not really audio")
    seen = []

    def fake_transcribe(path: Path, **_: object) -> Document:
        seen.append(path)
        return Document(text="Good evening from the valley.", kind="transcript", metadata={"cues": []})

    monkeypatch.setattr(audio, "transcribe", fake_transcribe)
    (doc,) = read_source(Source("path", str(clip), clip), max_bytes=4)  # byte cap is for text
    assert seen == [clip] and doc.origin == str(clip.resolve()) and doc.ingested


# --- folders that fight back (issue #14) -----------------------------------------------------

GOOD = "The harbour council agreed on Tuesday to repair the sea wall before the winter storms.\n"


def test_symlink_loop_in_a_folder_fails_alone(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "x").symlink_to("x")  # mkdir d; ln -s x d/x
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    r = ingest_cli(tmp_path / "lib.sqlite", str(folder), str(good))
    assert r.exit_code == 1, r.output
    assert "symlink loop" in r.said and "1 new, 1 failed" in r.said
    assert len(stored(tmp_path / "lib.sqlite")) == 1
    # The library call says the same thing, as one line.
    with pytest.raises(IngestError, match=r"x: symlink loop") as info:
        read_source(Source("path", str(folder / "x"), folder / "x"))
    assert "\n" not in str(info.value)


def _unlistable_folder(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "inside.txt").write_text(GOOD, encoding="utf-8")
    (folder / "open.txt").write_text(GOOD.replace("Tuesday", "Monday"), encoding="utf-8")
    return folder, folder / "locked"


def test_unreadable_subfolder_is_reported_not_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    folder, locked = _unlistable_folder(tmp_path)
    real_scandir = os.scandir

    def scandir(path=".", *a, **kw):  # what listing a chmod-000 folder does for a normal user
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path, *a, **kw)

    monkeypatch.setattr(os, "scandir", scandir)
    kinds = [(s.kind, Path(s.ref).name) for s in expand_sources([str(folder)])]
    assert kinds == [("path", "open.txt"), ("error", "locked")]
    r = ingest_cli(tmp_path / "lib.sqlite", str(folder))
    assert r.exit_code == 1, r.output
    assert "cannot list this folder (permission denied)" in r.said
    assert "1 new, 1 failed" in r.said


def test_unreadable_subfolder_for_real(tmp_path: Path) -> None:
    import os

    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("running as root: chmod 000 does not stop root from listing a folder "
                    "(the simulated test above covers this case)")
    folder, locked = _unlistable_folder(tmp_path)
    locked.chmod(0)
    try:
        r = ingest_cli(tmp_path / "lib.sqlite", str(folder))
    finally:
        locked.chmod(0o755)
    assert r.exit_code == 1 and "cannot list this folder" in r.said and "1 new, 1 failed" in r.said
