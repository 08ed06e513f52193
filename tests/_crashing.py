"""Analysis tasks whose worker process really dies (SIGKILL) on a chosen document, and news-like
articles written for the parallel-analysis tests.

The tasks run :func:`clipfile.parallel.analyze_document` otherwise, so a worker that survives does
the real analysis.  They are module-level functions (bound with :func:`functools.partial`) so that
process pools and Dask workers can unpickle them.
"""
from __future__ import annotations

import os
import signal
from pathlib import Path

from clipfile.parallel import analyze_document
from clipfile.records import Document

DIE_ONCE = "[the worker dies here once]"
DIE_ALWAYS = "[the worker dies here every time]"


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def crashing(flags: str, doc: Document) -> dict:
    """Kill this worker when it analyses a document marked :data:`DIE_ALWAYS`, or the first time it
    analyses one marked :data:`DIE_ONCE`; analyse any other document.

    ``flags`` is a folder shared by every process; a file there says the one death happened.
    """
    if DIE_ALWAYS in doc.text:
        _die()
    if DIE_ONCE in doc.text:
        try:
            fd = os.open(Path(flags) / f"died-{doc.id}", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            pass
        else:
            os.close(fd)
            _die()
    return analyze_document(doc)


_TOWNS = ["Port Averill", "Kessel Falls", "Brightwater", "Gull Island", "Marrow Bay", "Eastholm",
          "Linden Cross", "Saltmere", "Harrow Point", "Oakridge", "Fenwick", "Corran Vale"]
_PEOPLE = ["Rhea Solberg", "Tomas Erlund", "Ines Varga", "Kofi Okonkwo", "Mara Lindqvist", "Piet Aalders",
           "Sunniva Brekke", "Dario Conti", "Halima Yusuf", "Owen Castell", "Lena Marsh", "Jonas Reiner"]
_TOPICS = ["ferry contract", "flood barrier", "harbour dredging", "school budget", "bus depot", "water tariff"]


def articles(n: int, *, marks: dict[int, str] | None = None) -> list[Document]:
    """``n`` distinct short English news articles (fiction); ``marks`` puts a marker in some."""
    docs = []
    for i in range(n):
        town, person, topic = _TOWNS[i % len(_TOWNS)], _PEOPLE[(i * 5) % len(_PEOPLE)], _TOPICS[i % len(_TOPICS)]
        surname = person.split()[-1]
        text = (
            f"{town} council delays {topic} decision (report {i})\n\n"
            f"{person}, who chairs the {town} works committee, said on Tuesday that the {topic} would "
            f"not be settled before the spring. \u201cWe will not sign anything we cannot pay for,\u201d "
            f"{surname} said.\n\n"
            f"Residents told reporters that the delay would cost the town more. The council is expected "
            f"to vote again in {['March', 'April', 'May'][i % 3]}, {surname} added.\n"
        )
        if marks and i in marks:
            text += f"\n{marks[i]}\n"
        docs.append(Document(text=text, title=f"{town}: {topic}", language="en", source="Test Courier",
                             published=f"2025-0{1 + i % 9}-1{i % 10}"))
    return docs


def length_only(doc: Document) -> dict:
    """A task that needs no models, for tests of the pool's life cycle rather than the analysis."""
    return {"document": {"id": doc.id}, "chars": len(doc.text)}
