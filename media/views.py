"""The recording's file, for those its room policy names (``media.selectors``); 404 for anyone else."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from media import selectors


@require_GET
def recording_download(request, occurrence_id):
    found = selectors.recording_file(user=request.user, occurrence_id=occurrence_id)
    if found is None:
        raise Http404(_("No such recording."))
    recording, path = found
    occurrence = recording.occurrence
    day = timezone.localtime(occurrence.start, timezone=_zone(occurrence.event.timezone)).strftime("%Y-%m-%d")
    name = f"{day}-{slugify(occurrence.event.title)[:60] or 'recording'}{path.suffix}"
    response = FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type="audio/mpeg")
    response["Cache-Control"] = "private, no-store"
    return response


def _zone(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)
