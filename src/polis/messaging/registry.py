"""What a thread is about: the domain owning a subject may follow the messages about it.

`messaging` imports no domain (DESIGN §4): the owner of a subject type (e.g. "practice")
registers at start-up a function that `post_message` calls with each new message of a thread
about one of its subjects, inside the same transaction, so a failing follower posts nothing.
"""

from collections.abc import Callable

_followers: dict[str, Callable] = {}


def follow_subject(subject_type: str, on_message: Callable) -> None:
    """Call `on_message(message)` for every message posted in a thread about `subject_type`."""
    _followers[subject_type] = on_message


def follower_of(subject_type: str) -> Callable | None:
    return _followers.get(subject_type)
