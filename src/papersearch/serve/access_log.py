"""The service's log: uvicorn's, with papersearch's own lines in it, and each request's line made for half the CPU.

uvicorn's ``AccessFormatter`` copies every record twice and looks the status phrase up anew for each
line; on a cached answer that was a fifth of the server's CPU. ``AccessLine`` writes the same line
(``INFO:     127.0.0.1:5555 - "GET /search?q=x HTTP/1.1" 200 OK``) from the record itself; with colours
(a terminal), or a record it does not expect, it leaves the line to uvicorn's formatter.
"""

from __future__ import annotations

import copy
import http
import logging
from typing import Any

from uvicorn.config import LOGGING_CONFIG
from uvicorn.logging import AccessFormatter

STATUS_TEXT = {status.value: f"{status.value} {status.phrase}" for status in http.HTTPStatus}


class AccessLine(AccessFormatter):
    """uvicorn's access line without its copies of the record (tests/test_server.py compares the two)."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802  # logging's name
        args = record.args
        if self.use_colors or not isinstance(args, tuple) or len(args) != 5:
            return super().formatMessage(record)
        client, method, path, version, status = args
        level = record.levelname
        record.__dict__.update(
            levelprefix=f"{level}:{' ' * (8 - len(level))}",
            client_addr=client,
            request_line=f"{method} {path} HTTP/{version}",
            status_code=STATUS_TEXT.get(int(status)) or f"{status} ",  # type: ignore[call-overload]
        )
        return self._style.format(record)


def log_config() -> dict[str, Any]:
    """uvicorn's logging configuration, its access lines written by ``AccessLine``; papersearch's own lines (a
    version swapped in, a reload that failed, the encoder's runs at shutdown) beside uvicorn's, in its format."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["access"]["()"] = f"{__name__}.AccessLine"
    config["loggers"]["papersearch"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config
