"""Who is acting, and through which door: set once at the door, read where a change is recorded.

Domain services take no extra parameters for the record: the middleware says
``web`` and the signed-in user for every request, the API says ``api``, the
console ``console`` or ``counter``, the payment webhook ``gateway``. Outside
any request (a management command, a background task, the scheduler) nothing
is set, and that is what a job is: ``job``, acted by the system.
"""

from contextlib import ContextDecorator
from contextvars import ContextVar
from dataclasses import dataclass, field, replace

DOORS = ("web", "api", "counter", "console", "hotline", "grid", "job", "gateway")


@dataclass(frozen=True)
class Acting:
    door: str = "job"
    user: object = None
    # The request whose user acts: read when a change is recorded, since the API
    # authenticates its bearer token after the middleware has run.
    request: object = None
    system: bool = True
    notes: dict = field(default_factory=dict)

    @property
    def actor(self):
        if self.system:
            return None
        user = getattr(self.request, "user", None) if self.request is not None else self.user
        return user if user is not None and user.is_authenticated else None


JOB = Acting()
_current = ContextVar("audit_acting", default=JOB)


def current():
    return _current.get()


class acting(ContextDecorator):
    """``with acting(door="console", request=request): ...`` (or as a decorator).

    ``system=True``: the change is the system's own (a job, the gateway), whoever is signed in.
    """

    def __init__(self, door, user=None, request=None, system=False):
        if door not in DOORS:
            raise ValueError(f"Unknown door {door!r}")
        self.acting = Acting(door=door, user=user, request=request, system=system)
        self._tokens = []

    def __enter__(self):
        self._tokens.append(_current.set(self.acting))
        return self.acting

    def __exit__(self, *exc):
        _current.reset(self._tokens.pop())
        return False


class noting(ContextDecorator):
    """Add ``notes`` to the detail of every change recorded inside, e.g. a booking made from a waiting-list offer."""

    def __init__(self, **notes):
        self.notes = notes
        self._tokens = []

    def __enter__(self):
        now = current()
        self._tokens.append(_current.set(replace(now, notes={**now.notes, **self.notes})))

    def __exit__(self, *exc):
        _current.reset(self._tokens.pop())
        return False
