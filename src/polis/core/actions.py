"""What a user may do to an object, declared once per app, and the one way a page runs it.

An app lists its actions in `<app>/actions.py`:

    ACTIONS = Actions(
        {"approve": Action("review_practices", to=S.ISSUED, sources={S.IN_REVIEW}), ...},
        acts_on=lambda user, practice: ...,  # the firm's own objects, the assigned adjuster's
    )

`ACTIONS.allowed(obj, user)` names the actions the services would accept on the object as it
is: the capability (`polis.core.access`), who acts on this object (`acts_on`), the move in the
model's lifecycle table (`Model.lifecycle`, from the statuses the service starts it from) and
the action's other preconditions (`when`). Templates show a button when its action is in the
set; the API returns it as `allowed_actions`. What a service checks about the input (a reason
written, a file chosen) or reports as a to-do (documents still to upload) is not a
precondition: the button stays and the refusal says what is missing.

`run_action()` is the one POST view shape over such a table: the capability (403), the
object, the service call, then a message and a redirect.
"""

from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpRequest, HttpResponse

from polis.core.access import can
from polis.core.errors import DomainError


@dataclass(frozen=True)
class Action:
    """One action on an object: who may (`capability`), the status it moves the object to
    (`to`, checked against the model's lifecycle table), the statuses it starts from when the
    service accepts fewer than the table (`sources`), and any other precondition
    (`when(obj, user)`)."""

    capability: str
    to: str | None = None
    sources: Collection[str] | None = None
    when: Callable[[Any, Any], bool] | None = None

    def applies(self, obj) -> bool:
        """Whether the object's status lets the action start (the user aside)."""
        lifecycle = type(obj).lifecycle
        current = str(getattr(obj, lifecycle.status_field))
        if self.sources is not None and current not in {str(s) for s in self.sources}:
            return False
        return self.to is None or lifecycle.allows(current, self.to)


class Actions(Mapping[str, Action]):
    """An app's actions by name, and `acts_on(user, obj)`: whether the user acts on this object
    at all (its firm's collaborators, the MGA, the adjuster it is assigned to)."""

    def __init__(
        self, actions: Mapping[str, Action], *, acts_on: Callable[[Any, Any], bool] | None = None
    ):
        self._actions = dict(actions)
        self._acts_on = acts_on

    def __getitem__(self, name: str) -> Action:
        return self._actions[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._actions)

    def __len__(self) -> int:
        return len(self._actions)

    def allowed(self, obj, user, only: Collection[str] | None = None) -> frozenset[str]:
        """The names of the actions `user` may take on `obj` now; of those in `only` when
        given (a list's row asks only about its own buttons)."""
        if not (user and user.is_authenticated and user.is_active):
            return frozenset()
        if self._acts_on is not None and not self._acts_on(user, obj):
            return frozenset()
        return frozenset(
            name
            for name, action in self._actions.items()
            if (only is None or name in only)
            and can(user, action.capability)
            and action.applies(obj)
            and (action.when is None or action.when(obj, user))
        )


def posted_version(request: HttpRequest) -> int | None:
    """The version of the object the form showed (optimistic locking), if it sent one."""
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


@dataclass(frozen=True)
class Post:
    """How a page's form runs an action: `call(request, obj)` calls the service with what the
    form posted; `success` is the message (text, or a function of what the call returned)."""

    call: Callable[[HttpRequest, Any], Any]
    success: Any


def run_action(
    request: HttpRequest,
    name: str,
    *,
    actions: Actions,
    posts: Mapping[str, Post],
    load: Callable[[HttpRequest], Any],
    done: Callable[[HttpRequest, Any, Any], HttpResponse],
    refused: Callable[[HttpRequest, Any], HttpResponse],
) -> HttpResponse:
    """Run the posted action `name`: anonymous users go to the login page, users without the
    action's capability get 403; then `load(request)` finds the object (404 when it is not the
    user's) and the service decides. Its refusal is shown by `refused(request, obj)`, its
    success by `done(request, obj, result)`."""
    if name not in posts:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can(request.user, actions[name].capability):
        raise HttpForbidden
    obj = load(request)
    post = posts[name]
    try:
        result = post.call(request, obj)
    except DomainError as error:
        messages.error(request, error.message)
        return refused(request, obj)
    messages.success(request, post.success(result) if callable(post.success) else post.success)
    return done(request, obj, result)
