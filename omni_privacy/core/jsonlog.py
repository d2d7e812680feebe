"""Log records as one JSON object a line (OMNI_LOG_FORMAT=json), for a log collector.

The fields are the time, level, logger, message and, for an exception, its class and the
stack (files, lines, functions). The exception's own text is left out: a database error can
quote a value it refused, i.e. personal data. The project's messages carry identifiers and
counts only (house rule), so the message itself is kept.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import traceback


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = record.exc_info[0].__qualname__
            entry["stack"] = [
                f"{frame.filename}:{frame.lineno} in {frame.name}"
                for frame in traceback.extract_tb(record.exc_info[2])
            ]
        return json.dumps(entry, ensure_ascii=False)
