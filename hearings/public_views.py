"""The court's open pages: statistics (page, CSV; the JSON is in ``public_api``) and a case's
public timeline. No login; closed hearings are counted and never identified."""

from __future__ import annotations

import csv

from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hearings import selectors
from hearings.chart import per_day_chart
from hearings.listeners import PUBLIC_CACHE_SECONDS, listening_label, public_listeners
from hearings.models import Court
from hearings.statistics import court_statistics, statistics_csv_rows, statistics_range
from hearings.timeline import case_timeline


def _figures(request, court: Court):
    """The figures for ``?from=&to=``, or the errors (the page shows them, the default range instead)."""
    today = selectors.court_day(court=court)
    try:
        start, end = statistics_range(court=court, start=request.GET.get("from"), end=request.GET.get("to"),
                                      today=today)
        errors = []
    except ValidationError as exc:
        start, end = statistics_range(court=court, start=None, end=None, today=today)
        errors = exc.messages
    return court_statistics(court=court, start=start, end=end), errors


@require_GET
def statistics_page(request, court_slug):
    court = get_object_or_404(Court, slug=court_slug)
    figures, errors = _figures(request, court)
    return render(request, "hearings/statistics.html", {
        "court": court, "figures": figures, "errors": errors,
        "count_chart": per_day_chart(figures["by_day"], value_keys=("scheduled", "held"),
                                     colours=("#94a3b8", "#15803d")),
        "delay_chart": per_day_chart(figures["by_day"], value_keys=("median_start_delay_minutes",),
                                     colours=("#d97706",)),
    }, status=400 if errors else 200)


@require_GET
def statistics_csv(request, court_slug):
    court = get_object_or_404(Court, slug=court_slug)
    figures, errors = _figures(request, court)
    if errors:
        return HttpResponse(" ".join(errors), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{court.slug}-statistics-{figures["from"]}-{figures["to"]}.csv"')
    csv.writer(response).writerows(statistics_csv_rows(figures))
    return response


@require_GET
def docket_listeners(request, court_slug):
    """How many listen to each of today's public hearings now (docket and observer pages poll it)."""
    court = get_object_or_404(Court, slug=court_slug)
    counts = public_listeners(court=court)
    response = JsonResponse({"hearings": {
        hearing_id: {"listeners": count, "label": listening_label(count)} for hearing_id, count in counts.items()
    }})
    response["Cache-Control"] = f"private, max-age={PUBLIC_CACHE_SECONDS}"  # the label is in the reader's language
    return response


@require_GET
def case_page(request, court_slug):
    court = get_object_or_404(Court, slug=court_slug)
    number = request.GET.get("number", "")
    timeline = case_timeline(court=court, number=number)
    if timeline is None:
        return render(request, "hearings/case_timeline.html", {
            "court": court, "number": number[:100],
            "missing": _("No public case with this number at this court."),
        }, status=404)
    return render(request, "hearings/case_timeline.html", {"court": court, "timeline": timeline})
