"""``{% recording_panel occurrence zone %}``: the sitting's recording on its record page (a hearing's
record, a class meeting's attendance), for those who may have it; nothing for anyone else."""

from django import template

from media import selectors

register = template.Library()


@register.inclusion_tag("media/_recording_panel.html", takes_context=True)
def recording_panel(context, occurrence, zone: str = ""):
    request = context.get("request")
    recording = selectors.recording_for(user=getattr(request, "user", None), occurrence=occurrence)
    return {
        "recording": recording, "zone": zone, "occurrence": occurrence,
        "segments": selectors.segments_of(recording) if recording is not None else [],
        "minutes": int((recording.duration_seconds or 0) // 60) if recording is not None else 0,
        "seconds": int((recording.duration_seconds or 0) % 60) if recording is not None else 0,
    }
