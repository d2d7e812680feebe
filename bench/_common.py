"""What every benchmark script needs: Django set up on a database of its own, that database
created fresh (or copied), a stopwatch and the process's peak memory.

Benchmarks never run on the operator's database: they drop and re-create the one they are
given. On PostgreSQL a copy is ``CREATE DATABASE ... TEMPLATE`` (a file copy on the server);
on SQLite it is a copy of the closed file.
"""

from __future__ import annotations

import os
import resource
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/omni_bench"


@dataclass(frozen=True)
class Target:
    """One benchmark database: a PostgreSQL URL or an SQLite file."""

    url: str
    sqlite_path: Path | None = None

    @classmethod
    def from_args(cls, database_url: str, sqlite: str | None) -> Target:
        if sqlite:
            path = Path(sqlite).resolve()
            return cls(url=f"sqlite:///{path}", sqlite_path=path)
        return cls(url=database_url)

    @property
    def vendor(self) -> str:
        return "sqlite" if self.sqlite_path else "postgresql"

    @property
    def name(self) -> str:
        if self.sqlite_path:
            return str(self.sqlite_path)
        return self.url.rsplit("/", 1)[1].split("?", 1)[0]

    def sibling(self, suffix: str) -> Target:
        """Another database beside this one (``omni_bench`` -> ``omni_bench_floor``)."""
        if self.sqlite_path:
            path = self.sqlite_path.with_name(f"{self.sqlite_path.stem}_{suffix}.sqlite3")
            return Target(url=f"sqlite:///{path}", sqlite_path=path)
        base, _slash, rest = self.url.rpartition("/")
        name, _q, query = rest.partition("?")
        return Target(url=f"{base}/{name}_{suffix}" + (f"?{query}" if query else ""))


def setup_django(target: Target, *, var_dir: Path, chunk: int | None) -> None:
    """Configure and start Django on ``target`` (before any model import)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "omni_privacy.settings"
    os.environ["OMNI_DATABASE_URL"] = target.url
    os.environ["OMNI_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("OMNI_SECRET_KEY", "bench-only-secret-key-not-for-production")
    os.environ.setdefault("OMNI_LOG_LEVEL", "WARNING")
    if chunk:
        os.environ["OMNI_RETENTION_CHUNK"] = str(chunk)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _pg_admin():  # type: ignore[no-untyped-def]
    """A psycopg connection to the server's maintenance database, in autocommit."""
    import psycopg
    from django.db import connection

    params = connection.get_connection_params()
    params["dbname"] = "postgres"
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    params.pop("server_side_binding", None)
    return psycopg.connect(**params, autocommit=True)


def _sqlite_files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def use_database(target: Target) -> None:
    """Point Django's default connection at ``target`` (closing the current one)."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = (
        str(target.sqlite_path) if target.sqlite_path else target.name
    )


def drop_database(target: Target) -> None:
    from django.db import connection

    connection.close()
    if target.sqlite_path:
        for file in _sqlite_files(target.sqlite_path):
            file.unlink(missing_ok=True)
        return
    with _pg_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target.name}" WITH (FORCE)')


def create_database(target: Target) -> None:
    """Drop ``target`` if it exists and create it empty (then connect Django to it)."""
    drop_database(target)
    if target.sqlite_path:
        target.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    else:
        with _pg_admin() as admin:
            admin.execute(f'CREATE DATABASE "{target.name}"')
    use_database(target)


def copy_database(source: Target, copy: Target) -> None:
    """``copy`` becomes an exact copy of ``source`` (same rows, same pages, same statistics)."""
    from django.db import connection

    drop_database(copy)
    connection.close()
    if source.sqlite_path and copy.sqlite_path:
        # Closing the last connection checkpointed the WAL into the main file.
        for original, duplicate in zip(
            _sqlite_files(source.sqlite_path), _sqlite_files(copy.sqlite_path), strict=True
        ):
            if original.exists():
                shutil.copyfile(original, duplicate)
        return
    with _pg_admin() as admin:
        # FILE_COPY, not PostgreSQL 15's default WAL_LOG: copying a large database through the
        # WAL would leave checkpoints running into the timed phases.
        admin.execute(f'CREATE DATABASE "{copy.name}" TEMPLATE "{source.name}" STRATEGY FILE_COPY')


def settle() -> None:
    """Start a timed phase from the same place: dirty pages written and the WAL checkpointed
    (so every phase pays its own full-page writes, none inherits another's)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def peak_rss_mib() -> float:
    """The process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class ChildPeaks:
    """The peak resident memory of each child process, sampled from /proc every 0.2 s (Linux).

    ``getrusage(RUSAGE_CHILDREN)`` will not do: a child started by fork then exec is charged the
    parent's whole resident set from before its exec. VmHWM, read from the child's own
    /proc/PID/status, is the peak of the child's own memory after exec."""

    def __init__(self) -> None:
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> ChildPeaks:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.2):
            try:
                children = Path(f"/proc/{me}/task/{me}/children").read_text().split()
            except OSError:
                return
            for child in children:
                try:
                    status = Path(f"/proc/{child}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        kib = float(line.split()[1])
                        self.peaks[int(child)] = max(self.peaks.get(int(child), 0), kib / 1024)

    @property
    def largest_mib(self) -> float:
        return max(self.peaks.values(), default=0.0)


@dataclass
class Lap:
    seconds: float = 0.0


@contextmanager
def stopwatch() -> Iterator[Lap]:
    lap = Lap()
    started = time.perf_counter()
    try:
        yield lap
    finally:
        lap.seconds = time.perf_counter() - started


def per_second(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else 0.0
