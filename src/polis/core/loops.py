"""Calling code that runs its own event loop (asyncio.run, pyHanko's synchronous API) from a
thread that may already run one: an async view, or a test driving the browser."""

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def call_outside_loop(function: Callable[..., T], *args, **kwargs) -> T:
    """`function(*args, **kwargs)`, in a worker thread when this thread's event loop runs."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()
