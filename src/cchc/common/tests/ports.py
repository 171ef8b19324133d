"""Ports for the tests, safe when the suite runs in several processes at once (pytest-xdist, ``make test``).

- A server that can listen on port 0 and report its port does so (the simulators, the identity provider, the
  time-stamping authority, ``live_server``): nothing to choose, nothing to collide.
- :func:`free_port` is for the few servers that must be told a port (aiosmtpd, moto, gunicorn): the kernel's
  choice of a free port, closed again so the server can take it; another process could take it in between
  (rare), so the fixture that starts such a server retries with another port (:data:`START_ATTEMPTS`).
- :func:`closed_port` is for a partner that is "down": the port stays bound, never listening, while the block
  runs, so a connection is refused and no other worker's server can appear on it.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

START_ATTEMPTS = 3  # a server told a free_port() that another process took in between tries another one


def free_port() -> int:
    """A port free now on 127.0.0.1 (for a server that must be given one; see the module)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def closed_port() -> Iterator[int]:
    """A port on 127.0.0.1 where nothing listens, held for the block: connecting is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))  # no SO_REUSEADDR and no listen(): held, refusing, not takeable
        yield int(sock.getsockname()[1])
