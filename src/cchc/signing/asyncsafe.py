"""Calling pyHanko's synchronous API from any context.

pyHanko's ``PdfSigner.sign_pdf`` and ``validate_pdf_signature`` run their coroutine with ``asyncio.run``,
which refuses to start when the calling thread already runs an event loop (an async view, an async
worker). :func:`sync_call` runs such a call in a worker thread when a loop is running, else in place: both
contexts get the same result or the same exception. The loop's thread waits for the worker (signing is
short, CPU-bound; an async caller that must not wait wraps the whole call in ``asyncio.to_thread``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def sync_call(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``function(*args, **kwargs)``, in a worker thread when this thread runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="cchc-signing") as pool:
        return pool.submit(function, *args, **kwargs).result()
