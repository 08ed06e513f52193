"""A throwaway PostgreSQL server for the store's contract tests.

``$CLIPFILE_TEST_POSTGRES`` (a ``postgresql://`` URL of a server where the user may create
databases) is used when set.  Otherwise a cluster is made with ``initdb`` in a temporary folder
and started with ``pg_ctl``, listening on a Unix socket in that folder only, and removed at the
end of the session.  The server refuses to run as root, so under root it runs as the
``postgres`` user (or ``nobody``).  Where neither works, :func:`start` says why, and the tests
that need the server skip with that reason.

``bench/store_scale.py`` starts its server here too; with ``--keep`` the cluster lives in a
folder it names (``start(folder=...)``), is started again when present and is kept on
:meth:`Server.stop`, so a library of a million documents is built once.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from urllib.parse import quote


@dataclass
class Server:
    """A PostgreSQL server: ``url(database)`` connects to one of its databases."""

    base: str  # a URL without the database, or a socket folder
    folder: str | None = None  # the throwaway cluster's folder (None: a server given by URL)
    bin: str | None = None
    user: str | None = None
    keep: bool = False  # a kept cluster: stop() stops the server and leaves its folder ...
    started: bool = True  # ... and leaves the server running when it was running already

    def url(self, database: str) -> str:
        if self.folder is None:
            head, _, _ = self.base.rpartition("/")
            return f"{head}/{database}"
        return f"postgresql://clipfile@/{database}?host={quote(self.folder, safe='')}"

    def new_database(self) -> str:
        import psycopg

        name = "clipfile_test_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self.folder is None or not self.started:
            return
        _run_as(self.user, [os.path.join(self.bin or "", "pg_ctl"), "-D", os.path.join(self.folder, "data"),
                            "-m", "fast" if self.keep else "immediate", "stop"], check=False)
        if not self.keep:
            shutil.rmtree(self.folder, ignore_errors=True)


def _binaries() -> str | None:
    if shutil.which("initdb") and shutil.which("pg_ctl"):
        return os.path.dirname(shutil.which("initdb") or "")
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return os.path.dirname(found[-1]) if found else None


def _server_user() -> str | None:
    """Who runs the server: this user, or under root an unprivileged one."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and no unprivileged user (postgres, nobody) to run the server")


def _run_as(user: str | None, cmd: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
    if user is not None:
        cmd = ["runuser", "-u", user, "--", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=check, cwd="/")


def start(folder: str | None = None) -> Server | str:
    """A running server, or why none could be had.

    Args:
        folder: keep the cluster in this folder (made when missing, reused when present) instead
            of a temporary one; it must be reachable by the server's user.
    """
    url = os.environ.get("CLIPFILE_TEST_POSTGRES")
    if url:
        return Server(url)
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed"
    bin_dir = _binaries()
    if bin_dir is None:
        return "no PostgreSQL server binaries (initdb, pg_ctl) found; install PostgreSQL or set CLIPFILE_TEST_POSTGRES"
    try:
        user = _server_user()
    except RuntimeError as exc:
        return str(exc)
    keep = folder is not None
    if folder is None:
        folder = tempfile.mkdtemp(prefix="clipfile-pg-")
    else:
        folder = os.path.abspath(folder)
        os.makedirs(folder, exist_ok=True)
    data = os.path.join(folder, "data")
    try:
        if user is not None:
            shutil.chown(folder, user)
        os.chmod(folder, 0o755)
        if not os.path.exists(os.path.join(data, "PG_VERSION")):
            _run_as(user, [os.path.join(bin_dir, "initdb"), "-D", data, "-A", "trust", "-U", "clipfile",
                           "--encoding=UTF8", "--locale=C.UTF-8", "-N"])
        running = keep and _run_as(user, [os.path.join(bin_dir, "pg_ctl"), "-D", data, "status"],
                                   check=False).returncode == 0
        if not running:
            _run_as(user, [os.path.join(bin_dir, "pg_ctl"), "-D", data, "-l", os.path.join(folder, "log"), "-w",
                           "-o", f"-k {folder} -c listen_addresses='' -c fsync=off -c full_page_writes=off", "start"])
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
        return f"could not start a throwaway PostgreSQL server: {detail.strip().splitlines()[-1] if detail else exc}"
    return Server(folder, folder=folder, bin=bin_dir, user=user, keep=keep, started=not running)
