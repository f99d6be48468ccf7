"""What needs a signed-in person's attention, for their home page. Each app registers a provider in
``AppConfig.ready`` (as navigation does): a function of the user giving ``Attention`` items, so
that the home page knows no app's models (people waiting in a lobby: ``rooms``; invitations that
could not be delivered: ``notifications``; hearings without a judge: ``hearings``)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Attention:
    text: str
    url: str
    action: str  # the link's words ("Admit", "See the deliveries")


_providers: dict[str, Callable[..., Iterable[Attention]]] = {}


def register_attention(name: str, provider: Callable[..., Iterable[Attention]]) -> None:
    _providers[name] = provider


def attention_for(user) -> list[Attention]:
    items: list[Attention] = []
    for name in sorted(_providers):
        items.extend(_providers[name](user))
    return items
