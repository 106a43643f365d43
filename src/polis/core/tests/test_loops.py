import asyncio

from polis.core.loops import call_outside_loop


def test_code_that_starts_its_own_event_loop_also_runs_where_one_is_running():
    # given a thread whose event loop is running (an async view, a browser test's driver)
    async def inside_a_running_loop():
        # when a time-stamp client (asyncio.run) is called there
        return call_outside_loop(asyncio.run, asyncio.sleep(0, result="stamped"))

    # then it runs, instead of "asyncio.run() cannot be called from a running event loop"
    assert asyncio.run(inside_a_running_loop()) == "stamped"


def test_without_a_running_loop_the_call_stays_in_this_thread():
    assert call_outside_loop(asyncio.run, asyncio.sleep(0, result="here")) == "here"
