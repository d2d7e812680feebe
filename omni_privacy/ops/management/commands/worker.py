"""`omni-privacy worker`: the task worker plus the periodic-job scheduler.

The scheduler (core.periodic) runs in a thread and enqueues each registered job once per slot,
however many workers run; the main thread executes what is queued: the django-tasks-db worker
(`db_worker`) by default, an RQ worker with OMNI_TASKS=rq (tasks on Redis, any number of
workers on any number of machines). With another task backend that backend's own workers
execute the tasks, and this command runs the scheduler alone.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend

from omni_privacy.core import reaper
from omni_privacy.core.periodic import SCHEDULER_EVERY_SECONDS, registered, run_scheduler

logger = logging.getLogger(__name__)

# A locked or unreachable database makes the task worker wait and try again, doubling the pause
# up to BACKOFF_MAX_SECONDS, instead of exiting; a spell of work longer than BACKOFF_RESET_SECONDS
# starts the doubling afresh.
BACKOFF_FIRST_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 60.0
BACKOFF_RESET_SECONDS = 60.0


class Command(BaseCommand):
    help = "Run the task worker and the periodic jobs (stops cleanly on SIGINT or SIGTERM)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--schedule-every",
            type=float,
            default=SCHEDULER_EVERY_SECONDS,
            help="seconds between two looks at the periodic jobs (default: %(default)s)",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="seconds the task worker waits when the queue is empty (default: %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        # Unique across machines and restarts; names the beat that says this worker is alive.
        self.worker_id = f"{socket.gethostname()[:40]}-{os.getpid()}-{os.urandom(4).hex()}"
        scheduler = threading.Thread(
            target=run_scheduler,
            args=(stop,),
            kwargs={"every": options["schedule_every"]},
            name="omni-periodic",
            daemon=True,
        )
        names = ", ".join(job.name for job in registered()) or "-"
        logger.info("worker starting; periodic jobs: %s", names)
        beats = threading.Thread(
            target=self._beat, args=(stop,), name="omni-worker-beat", daemon=True
        )
        on_database = isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)
        if on_database:
            # Before the scheduler starts: its periodic reaper would otherwise race this one
            # and the tasks a dead worker left would be reaped without this worker saying so.
            self._reap_at_start()
        scheduler.start()
        try:
            if on_database:
                beats.start()
                self._run_db_worker(options)
            elif settings.OMNI_TASKS == "rq":
                self._run_rq_worker()
            else:
                self._wait_for_signal(stop)
        except SystemExit as exit_:
            # db_worker leaves with sys.exit(0) on SIGINT/SIGTERM while idle.
            if exit_.code not in (0, None):
                raise
        finally:
            stop.set()
            scheduler.join(timeout=30)
            if beats.ident is not None:  # started: stop it, then remove this worker's beat
                beats.join(timeout=30)
                self._forget()
        logger.info("worker stopped")

    def _reap_at_start(self) -> None:
        """A first beat, then the tasks lost by workers that died (the beats follow in a thread)."""
        try:
            reaper.beat(self.worker_id)
            reaped = reaper.reap_lost_tasks()
        except (OperationalError, InterfaceError) as error:
            logger.warning("task worker: could not reap lost tasks (%s)", type(error).__name__)
        else:
            if reaped:
                logger.warning("reaped %d task(s) left running by a worker that died", reaped)

    def _beat(self, stop: threading.Event) -> None:
        try:
            while not stop.wait(reaper.BEAT_EVERY_SECONDS):
                try:
                    reaper.beat(self.worker_id)
                except Exception as error:  # a missed beat is retried at the next one
                    logger.warning("worker beat failed (%s)", type(error).__name__)
        finally:
            connections.close_all()

    def _forget(self) -> None:
        try:
            reaper.forget(self.worker_id)
        except (OperationalError, InterfaceError) as error:
            # The reaper deletes stale beats in time.
            logger.warning("could not remove this worker's beat (%s)", type(error).__name__)
        finally:
            connections.close_all()

    def _run_db_worker(self, options: dict[str, Any]) -> None:
        """`db_worker` until it stops on a signal; a database error restarts it after a pause.

        db_worker itself skips a locked database while claiming, but any other database error
        (locked while recording a result, the server gone, a file not there) ends it.
        """
        pause = BACKOFF_FIRST_SECONDS
        while True:
            started = time.monotonic()
            try:
                call_command(
                    "db_worker",
                    interval=options["interval"],
                    reload=False,
                    startup_delay=False,
                    worker_id=self.worker_id,
                    verbosity=options["verbosity"],
                )
                return
            except (OperationalError, InterfaceError) as error:
                if time.monotonic() - started > BACKOFF_RESET_SECONDS:
                    pause = BACKOFF_FIRST_SECONDS
                # The class only: a database message may quote a value.
                logger.warning(
                    "task worker: database unavailable (%s); retrying in %.0f s",
                    type(error).__name__,
                    pause,
                )
                connections.close_all()
                # db_worker's signal handlers are still installed: SIGTERM here leaves with
                # SystemExit(0), as when idle.
                time.sleep(pause)
                pause = min(pause * 2, BACKOFF_MAX_SECONDS)

    def _run_rq_worker(self) -> None:
        """An RQ worker on the default queue until SIGTERM/SIGINT (RQ's warm shutdown: the job
        in hand is finished). RQ itself fails the jobs of a worker that died (its started-job
        registry expires with the worker's heartbeat). Redis unreachable: retried with backoff.
        """
        from django_rq import get_worker
        from django_tasks.signals import task_finished, task_started
        from redis.exceptions import ConnectionError as RedisConnectionError

        # Jobs run in this process (RQ's SimpleWorker), not in a forked work horse: a fork
        # while the scheduler thread holds a SQLite connection leaves the child's copy of
        # SQLite's lock table wrong ("database is locked"). Each job starts and ends as a
        # request does, with stale or broken connections closed.
        task_started.connect(_fresh_connections, dispatch_uid="omni-rq-started")
        task_finished.connect(_fresh_connections, dispatch_uid="omni-rq-finished")
        pause = BACKOFF_FIRST_SECONDS
        while True:
            started = time.monotonic()
            try:
                get_worker(
                    "default",
                    job_class="django_tasks_rq.Job",
                    worker_class="rq.worker.SimpleWorker",
                    name=self.worker_id,
                ).work(with_scheduler=True)
                return
            except (RedisConnectionError, OperationalError, InterfaceError) as error:
                if time.monotonic() - started > BACKOFF_RESET_SECONDS:
                    pause = BACKOFF_FIRST_SECONDS
                logger.warning(
                    "task worker: queue or database unavailable (%s); retrying in %.0f s",
                    type(error).__name__,
                    pause,
                )
                time.sleep(pause)
                pause = min(pause * 2, BACKOFF_MAX_SECONDS)

    def _wait_for_signal(self, stop: threading.Event) -> None:
        def handler(signum: int, _frame: FrameType | None) -> None:
            logger.info("received %s: stopping", signal.strsignal(signum))
            stop.set()

        signal.signal(signal.SIGINT, handler)
        signal.signal(signal.SIGTERM, handler)
        logger.info("task backend is not django-tasks-db: running the scheduler only")
        while not stop.wait(1.0):
            pass


def _fresh_connections(**kwargs: Any) -> None:  # noqa: ARG001 - signal receiver
    close_old_connections()
