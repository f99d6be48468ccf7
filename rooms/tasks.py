"""django-q2 entry points (thin: the work is in ``services``)."""

from rooms import services


def open_due() -> int:
    """Every minute (a django-q2 Schedule): rooms that open by themselves at the start (a class's)."""
    return services.rooms_open_due()
