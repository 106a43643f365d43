import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

from polis.core.loops import call_outside_loop


def in_a_new_thread(function):
    """Run `function` where no event loop runs, whatever this test's thread is running."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function).result()


def test_code_that_starts_its_own_event_loop_also_runs_where_one_is_running():
    # given a thread whose event loop is running (an async view, a browser test's driver)
    async def inside_a_running_loop():
        # when a time-stamp client (asyncio.run) is called there
        stamped = call_outside_loop(asyncio.run, asyncio.sleep(0, result="stamped"))
        return stamped, call_outside_loop(threading.get_ident), threading.get_ident()

    stamped, called_in, loop_thread = in_a_new_thread(lambda: asyncio.run(inside_a_running_loop()))
    # then it runs, in another thread, instead of "asyncio.run() cannot be called from a
    # running event loop"
    assert stamped == "stamped"
    assert called_in != loop_thread


def test_without_a_running_loop_the_call_stays_in_its_thread():
    def without_a_loop():
        return call_outside_loop(threading.get_ident), threading.get_ident()

    called_in, caller = in_a_new_thread(without_a_loop)
    assert called_in == caller
