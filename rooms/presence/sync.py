"""The reference client side of presence (PROTOCOL.md), as Phoenix.Presence's syncState/syncDiff:
the participant list a client keeps from ``presence.state`` and the ``presence.diff`` frames that
follow it, in sequence order. The tests and the load client keep their lists with these; the room
page does the same in JavaScript.

A state is a dict of participants by id, with the audience's size (``audience``: listen-only members
are counted, never listed; the field is additive, 0 from a server that sends none). Sequence numbers
and gaps are the caller's: a diff is applied only when its ``seq`` is the last applied plus one, and a
gap asks for ``presence.sync``.
"""

from __future__ import annotations

from collections.abc import Callable


class State(dict[str, dict]):
    """Participants by id, and ``audience``: how many listen without being listed."""

    audience: int = 0


# Called for each participant a diff touches: (id, before, after); None when absent.
OnChange = Callable[[str, dict | None, dict | None], None]


def apply_state(participants: list[dict], audience: int = 0) -> State:
    """The list (and the ``audience`` count) of a ``presence.state`` frame, as a state."""
    state = State((participant["id"], participant) for participant in participants)
    state.audience = audience
    return state


def apply_diff(state: State, diff: dict, on_change: OnChange | None = None) -> State:
    """Apply a ``presence.diff`` to ``state`` in place (and return it): leaves first, then joins
    and updates, which replace the whole participant; the diff's ``audience`` count, when it has one,
    replaces the state's."""
    for participant in diff.get("leaves", ()):
        before = state.pop(participant["id"], None)
        if on_change is not None:
            on_change(participant["id"], before, None)
    for participant in (*diff.get("joins", ()), *diff.get("updates", ())):
        before = state.get(participant["id"])
        state[participant["id"]] = participant
        if on_change is not None:
            on_change(participant["id"], before, participant)
    if "audience" in diff and isinstance(state, State):
        state.audience = diff["audience"]
    return state
