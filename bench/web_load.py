"""The web workbench under load and under absurd queries, served by the real server.

Builds (or reuses) a library of generated article-length documents with analyses (the
generator of ``bench/web.py``), starts ``python -m clipfile serve`` in a subprocess and measures
over HTTP:

* search throughput and latency (req/s, p50, p95) with 1 client and with 20 concurrent clients
  (threads, one ``httpx.Client`` each, two-word queries drawn at random);
* long queries (``port* port* …`` of 1,000 and 10,000 words, and one right at the query limit,
  32 words for code without one): how long the answer takes (a 400 refusal is an answer), and
  how long ``/healthz`` takes while the long query runs (it waited for it behind one lock);
* how long ``serve`` takes to exit on SIGTERM while a long query is in flight.

Each long query is also timed in-process (``SQLiteStore.search_page`` in a subprocess, with no
HTTP request-size limit in the way), since uvicorn itself refuses request lines over 16 KB.

    .venv/bin/python bench/web_load.py [--docs 3500] [--library PATH] [--seconds 10]
                                      [--src PATH]   # the code to serve (default: this checkout)

``--src /work/main/src`` (or any other checkout's ``src``) measures another version against the
same library.  Requests that take longer than ``--give-up`` seconds are abandoned and reported
as such; a server that will not stop is killed.
"""
from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

from web import WORDS, build  # noqa: E402  (bench/web.py: the generated library)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


class Server:
    """``python -m clipfile serve`` on a free loopback port, with the code under ``src``."""

    def __init__(self, library: Path, src: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(src)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "clipfile", "-L", str(library), "serve", "--port", str(self.port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.kill()
        raise SystemExit("the server did not come up within 60 s")

    def stop(self, *, wait: float) -> float | None:
        """SIGTERM; seconds until the process ended, or None when it had to be killed."""
        t = time.perf_counter()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=wait)
            return time.perf_counter() - t
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def load(base: str, clients: int, seconds: float, seed: int = 5) -> dict[str, float]:
    """``clients`` threads asking for search pages for ``seconds``; req/s and latency."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1)  # the clock starts once every client is connected and warm
    stop = [0.0]

    def worker(k: int) -> None:
        rng = random.Random(seed * 1000 + k)
        mine: list[float] = []
        with httpx.Client(base_url=base, timeout=300) as c:
            c.get("/search", params={"q": "harbour"})
            ready.wait()
            while time.perf_counter() < stop[0]:
                q = f"{rng.choice(WORDS)} {rng.choice(WORDS)}"
                t = time.perf_counter()
                r = c.get("/search", params={"q": q})
                mine.append((time.perf_counter() - t) * 1000)
                if r.status_code != 200:
                    with lock:
                        errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for th in threads:
        th.start()
    stop[0] = time.perf_counter() + 3600
    ready.wait()
    t0 = time.perf_counter()
    stop[0] = t0 + seconds
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - t0
    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "p50": statistics.median(latencies),
            "p95": _pct(latencies, 0.95), "errors": errors[0]}


def long_query(base: str, words: int, give_up: float) -> dict[str, object]:
    """Ask for a ``port* port* …`` search of ``words`` words; meanwhile time ``/healthz``."""
    query = " ".join(["port*"] * words)
    out: dict[str, object] = {"words": words, "chars": len(query)}
    health: dict[str, float] = {}

    def probe() -> None:
        time.sleep(0.1)
        t = time.perf_counter()
        try:
            httpx.get(base + "/healthz", timeout=give_up)
            health["s"] = time.perf_counter() - t
        except httpx.HTTPError:
            health["s"] = float("inf")

    th = threading.Thread(target=probe)
    th.start()
    t = time.perf_counter()
    # http.client, not httpx: httpx refuses to build a URL whose query passes 64 KB.
    host, port = base.rsplit("/", 1)[-1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=give_up)
    try:
        conn.request("GET", "/search?" + urlencode({"q": query}))
        r = conn.getresponse()
        body = r.read().decode("utf-8", "replace")
        out["status"] = r.status
        out["seconds"] = time.perf_counter() - t
        if r.status != 200:
            m = re.search(r'<p class="message[^"]*">(.*?)</p>', body, re.S)
            out["message"] = html.unescape(m.group(1) if m else body[:160]).strip()[:200]
    except (OSError, http.client.HTTPException) as exc:
        out["status"] = f"gave up ({type(exc).__name__})"
        out["seconds"] = time.perf_counter() - t
    finally:
        conn.close()
    th.join()
    out["healthz_during"] = health.get("s")
    return out


IN_PROCESS = """
import json, sys, time
from clipfile.store.sqlite import SQLiteStore
from clipfile.errors import ClipfileError
store = SQLiteStore(sys.argv[1])
q = " ".join(["port*"] * int(sys.argv[2]))
t = time.perf_counter()
try:
    r = store.search_page(q, limit=20)
    out = {"status": "ok", "hits": len(r.hits if hasattr(r, "hits") else r["hits"])}  # a dict in older code
except ClipfileError as exc:
    out = {"status": "refused", "message": str(exc)[:200]}
out["seconds"] = time.perf_counter() - t
print(json.dumps(out))
"""


def in_process(library: Path, src: Path, words: int, give_up: float) -> dict[str, object]:
    """``SQLiteStore.search_page`` of a ``port* …`` query in a fresh interpreter (killed after ``give_up``)."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    try:
        p = subprocess.run([sys.executable, "-c", IN_PROCESS, str(library), str(words)], env=env,
                           capture_output=True, text=True, timeout=give_up)
    except subprocess.TimeoutExpired:
        return {"words": words, "status": f"gave up after {give_up:.0f} s"}
    if p.returncode:
        return {"words": words, "status": "crashed", "message": p.stderr.strip().splitlines()[-1:]}
    return {"words": words, **json.loads(p.stdout)}


def query_limit(src: Path) -> int | None:
    """The served code's maximum number of query terms, when it has one."""
    p = subprocess.run([sys.executable, "-c", "from clipfile.textindex import MAX_QUERY_TERMS as m; print(m)"],
                       env={**os.environ, "PYTHONPATH": str(src)}, capture_output=True, text=True)
    return int(p.stdout) if p.returncode == 0 else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=3500)
    ap.add_argument("--library", type=Path, help="library file to build or reuse")
    ap.add_argument("--src", type=Path, default=ROOT / "src", help="the clipfile code to serve")
    ap.add_argument("--seconds", type=float, default=10.0, help="length of each load run")
    ap.add_argument("--clients", default="1,20", help="client counts to load with ('' for none)")
    ap.add_argument("--words", default="1000,10000", help="lengths of the long queries")
    ap.add_argument("--give-up", type=float, default=120.0, help="abandon a request after this many seconds")
    args = ap.parse_args()
    tmp = None
    path = args.library
    if path is None:
        tmp = tempfile.TemporaryDirectory()
        path = Path(tmp.name) / "load.sqlite"
    from clipfile.store.sqlite import SQLiteStore

    existing = SQLiteStore(path).document_count() if path.exists() else 0
    if existing < args.docs:
        t = time.perf_counter()
        build(path, args.docs - existing, seed=7 + existing, blocks=(12, 20))
        print(f"built {args.docs - existing} documents in {time.perf_counter() - t:.1f}s")
    store = SQLiteStore(path)
    stats = store.stats()
    store.close()
    print(f"library: {stats['documents']} documents, {stats['characters'] / stats['documents']:.0f} characters "
          f"each on average, items {stats['items']}")
    print(f"code served: {args.src}")
    limit = query_limit(args.src)
    print(f"query limit: {limit if limit else 'none'} terms")

    server = Server(path, args.src)
    try:
        print(f"\n{'clients':>7} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'errors':>6}")
        for clients in (int(c) for c in args.clients.split(",") if c):
            r = load(server.base, clients, args.seconds)
            print(f"{clients:7d} {r['requests']:8d} {r['rps']:7.1f} {r['p50']:8.1f} {r['p95']:8.1f} {r['errors']:6d}")

        # ... and one right at the limit (32 words where the code has none: the same query for both)
        sizes = [int(w) for w in args.words.split(",") if w] + [limit or 32]
        print(f"\n{'words':>6} {'chars':>6} {'answer':>22} {'seconds':>8} {'healthz s':>10}  message")
        for words in sizes:
            if server.proc.poll() is not None:
                server = Server(path, args.src)
            r = long_query(server.base, words, args.give_up)
            hz = r["healthz_during"]
            shown = "-" if hz is None else "gave up" if hz == float("inf") else f"{hz:.2f}"
            print(f"{words:6d} {r['chars']:6d} {str(r['status']):>22} {r['seconds']:8.2f} "
                  f"{shown:>10}  {r.get('message', '')}")
            if isinstance(r["status"], str):  # abandoned: the server may still be busy; start afresh
                server.kill()
                server = Server(path, args.src)

        print("\nin-process (SQLiteStore.search_page, no HTTP size limit):")
        for words in sizes:
            r = in_process(path, args.src, words, args.give_up)
            secs = r.get("seconds")
            print(f"  {words:6d} words: {r['status']}" + (f" in {secs:.2f} s" if secs is not None else "")
                  + (f" — {r['message']}" if r.get("message") else ""))

        # SIGTERM while the longest query the served code accepts is in flight.
        words = max(sizes) if limit is None else limit
        th = threading.Thread(target=long_query, args=(server.base, words, args.give_up), daemon=True)
        th.start()
        time.sleep(0.3)
        took = server.stop(wait=30)
        print(f"\nSIGTERM during a {words}-word query: "
              + (f"serve exited after {took:.2f} s" if took is not None else "serve still running after 30 s; killed"))
    finally:
        server.kill()
        if tmp:
            tmp.cleanup()


if __name__ == "__main__":
    main()
