"""What invitations and feeds say that only the domain app knows: the recipient's role and how to
prepare, and the state of a sitting (a hearing adjourned or concluded).

``scheduling`` knows no roles; a domain app registers, per event kind, a function that gives an
attendee's lines (already translated: it is called inside the recipient's language) in
``AppConfig.ready``: ``register_invite_guidance("hearing", hearing_guidance)``. The lines go into
the e-mail's text and HTML and into the invite's and the feed's DESCRIPTION.
"""

from collections.abc import Callable
from dataclasses import dataclass

from scheduling.models import Attendee, Event

_guidance: dict[str, Callable[[Attendee], list[str]]] = {}


def register_invite_guidance(kind: str, lines: Callable[[Attendee], list[str]]) -> None:
    _guidance[kind] = lines


def invite_guidance(attendee: Attendee | None) -> list[str]:
    if attendee is None or attendee.pk is None:
        return []
    lines = _guidance.get(attendee.event.kind)
    return [str(line) for line in lines(attendee)] if lines else []


@dataclass(frozen=True)
class SittingState:
    """A single-sitting event's state as its domain app sees it: ``cancelled`` exports the sitting
    as STATUS:CANCELLED; ``note`` (translated) leads its DESCRIPTION."""

    cancelled: bool
    note: str


_states: dict[str, Callable[[Event], SittingState | None]] = {}


def register_sitting_state(kind: str, state: Callable[[Event], SittingState | None]) -> None:
    _states[kind] = state


def sitting_state(event: Event) -> SittingState | None:
    state = _states.get(event.kind)
    return state(event) if state else None
