"""The table of a run: one row per figure, one column per server (``bench.run --table`` prints it
again from the results' JSON)."""

from __future__ import annotations

from bench.servers import KINDS
from bench.table_more import issue19_rows, value_of
from bench.targets import LIVE, NONE_LOST, OTHER_FIGURES, OTHER_LABELS

_value = value_of


def rows(results: dict) -> list[tuple]:
    """(scenario, figure, target, (hadir, bare, raw) values, client-bound flags, met)."""
    table = []
    live = {name: figures for name, figures in results["live"].items() if "error" not in figures}

    def add(scenario, figure, target, values, bound=None, met=None, ratio=True):
        table.append((scenario, figure, target, values, bound or (False,) * len(KINDS), met, ratio))

    def bound_of(results_by_kind):
        return tuple(bool(_value(results_by_kind.get(kind), "client_bound")) for kind in KINDS)

    if "fanout" in live:
        for size in next(iter(live["fanout"].values()), {}):
            by_kind = {kind: live["fanout"].get(kind, {}).get(size) for kind in KINDS}
            values = tuple(_value(by_kind[kind], "p99_ms") for kind in KINDS)
            lost = tuple(_value(by_kind[kind], "lost") for kind in KINDS)
            target = LIVE["fanout_200_p99_ms"] if size == "200" else None
            add("1 fan-out 20/s", f"room {size}: p99 ms", target.text if target else "", values,
                bound_of(by_kind), target.met(values[0], lost[0]) if target else None)
            add("1 fan-out 20/s", f"room {size}: lost", NONE_LOST if target else "", lost, ratio=False)
    if "saturation" in live:
        by_kind = live["saturation"]
        values = tuple(_held(by_kind.get(kind)) for kind in KINDS)
        target = LIVE["saturation_held_rate"]
        add("2 saturation", "room 50: msg/s held", target.text, values,
            met=None if values[0] is None else bool(target.met(values[0])))
    if "storm" in live:
        by_kind = live["storm"]
        values = tuple(_value(by_kind.get(kind), "converge_after_last_handshake_s") for kind in KINDS)
        lost = tuple(_value(by_kind.get(kind), "lost_updates") for kind in KINDS)
        target = LIVE["storm_converged_s"]
        add("3 join storm 200", "converged s after last handshake", target.text, values, bound_of(by_kind),
            target.met(values[0], lost[0]))
        add("3 join storm 200", "lost / duplicated updates", NONE_LOST,
            tuple(None if _value(by_kind.get(k), "lost_updates") is None else
                  f"{by_kind[k]['lost_updates']}/{by_kind[k]['duplicated_updates']}" for k in KINDS))
        add("3 join storm 200", "handshake p99 ms", "",
            tuple((_value(by_kind.get(kind), "handshake") or {}).get("p99_ms") for kind in KINDS))
    if "audience" in live:
        by_kind = live["audience"]
        values = tuple(_value(by_kind.get(kind), "converge_after_last_handshake_s") for kind in KINDS)
        lost = tuple(_value(by_kind.get(kind), "lost_updates") for kind in KINDS)
        size = _value(by_kind.get("hadir"), "size") or 2000
        storm = _value(by_kind.get("hadir"), "storm") or 500
        target = LIVE["audience_storm_converged_s"]
        add(f"3b audience {size}", f"storm of {storm} listeners: converged s", target.text, values,
            bound_of(by_kind), target.met(values[0], lost[0]))
        add(f"3b audience {size}", "lost updates", NONE_LOST, lost, ratio=False)
    if "idle" in live:
        by_kind = live["idle"]
        checkpoints = {kind: (_value(by_kind.get(kind), "checkpoints") or []) for kind in KINDS}
        for index, point in enumerate(next((c for c in checkpoints.values() if c), [])):
            if "connections" not in point:
                continue
            others = [checkpoints[kind][index] if index < len(checkpoints[kind]) else {} for kind in KINDS]
            count = point["connections"]
            values = tuple(other.get("rss_per_connection_kib") for other in others)
            target = LIVE["idle_kib_per_connection"]
            add("4 idle", f"{count}: KiB per connection", target.text, values, met=target.met(values[0]))
            add("4 idle", f"{count}: handshake p99 ms", "",
                tuple((other.get("handshake") or {}).get("p99_ms") for other in others))
            add("4 idle", f"{count}: failures", NONE_LOST, tuple(other.get("failures") for other in others),
                ratio=False)
        chats = {kind: _value(by_kind.get(kind), "chat") or {} for kind in KINDS}
        size = next((c["room_size"] for c in chats.values() if c.get("room_size")), None)
        values = tuple(chats[kind].get("p99_ms") for kind in KINDS)
        target = LIVE["idle_chat_p99_ms"]
        add("4 idle", f"chat into room of {size}: p99 ms", target.text, values,
            tuple(bool(chats[kind].get("client_bound")) for kind in KINDS),
            met=target.met(values[0], chats["hadir"].get("lost")))
    if "scaled" in live:
        fan, storm = live["scaled"]["fanout"], live["scaled"]["storm"]
        values = tuple(_value(fan.get(kind), "p99_ms") for kind in KINDS)
        lost = tuple(_value(fan.get(kind), "lost") for kind in KINDS)
        target = LIVE["scaled_fanout_p99_ms"]
        add("5 two processes", "fan-out 200: p99 ms", target.text, values, bound_of(fan),
            target.met(values[0], lost[0]))
        add("5 two processes", "fan-out 200: lost", NONE_LOST, lost, ratio=False)
        values = tuple(_value(storm.get(kind), "converge_after_last_handshake_s") for kind in KINDS)
        lost = tuple(_value(storm.get(kind), "lost_updates") for kind in KINDS)
        target = LIVE["scaled_storm_converged_s"]
        add("5 two processes", "join storm 200: converged s", target.text, values, bound_of(storm),
            target.met(values[0], lost[0]))
        add("5 two processes", "join storm 200: lost updates", NONE_LOST, lost, ratio=False)
    if "crash" in live:
        by_kind = live["crash"]
        values = tuple(
            _value(by_kind.get(kind), "ghosts_gone_after_s")
            if _value(by_kind.get(kind), "ghosts_gone") else
            (f"> {by_kind[kind]['watched_s']}" if _value(by_kind.get(kind), "watched_s") else None)
            for kind in KINDS
        )
        target = LIVE["crash_ghosts_gone_s"]
        add("6 crash", "ghosts gone after s", target.text, values, met=bool(target.met(values[0])))
    issue19_rows(live, results.get("database", "sqlite"), add)
    for name, figures in results["live"].items():
        if "error" in figures:
            add(name, "failed: " + figures["error"][:80], "", (None,) * len(KINDS))
    for name, figures in results.get("others", {}).items():
        if "skipped" in figures or "error" in figures:
            add(name, figures.get("skipped") or "failed: " + figures["error"][:80], "", (None,) * len(KINDS))
            continue
        flat = dict(_flatten(figures))
        for key, figure in OTHER_FIGURES.get(name, {}).items():
            value = flat.get(key)
            add(OTHER_LABELS.get(name, name), figure.label.format(**flat),
                figure.target.text if figure.target else "", (value, None, None, None),
                met=figure.target.met(value) if figure.target else None)
        if name == "rooms_latency":
            for row in figures.get("rooms_latency", []):
                if "p99_ms" in row:
                    add("rooms_latency", f"join → diff, {row['processes']} proc., room {row['room']}: p99 ms", "",
                        (row["p99_ms"], None, None, None))
    return table


def _held(result: dict | None):
    """The highest rate held, or "< the first rate" when even that one failed."""
    steps = _value(result, "steps")
    if not steps:
        return None
    held = result.get("held_rate")
    return held if held is not None else f"< {steps[0]['rate']}"


def _flatten(figures, prefix: str = ""):
    if not isinstance(figures, dict):
        yield prefix or "value", figures
        return
    for key, value in figures.items():
        if key == "trace":
            continue
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            yield from _flatten(value, name)
        elif not isinstance(value, list):
            yield name, value


def _cell(value, bound: bool = False) -> str:
    if value is None:
        return "—"
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text + ("*" if bound else "")


def _ratio(value, base) -> str:
    if not isinstance(value, int | float) or not isinstance(base, int | float) or base == 0:
        return ""
    ratio = value / base
    return f"{ratio:.2f}×" if ratio >= 0.1 else f"{ratio:.2g}×"


def table_text(results: dict) -> str:
    header = ("scenario", "figure", "target", "Hadir", "uvicorn", "bare Ch.", "raw ws", "H÷bare", "H÷raw", "uv÷H",
              "met")
    lines = [header]
    for scenario, figure, target, values, bound, met, ratio in rows(results):
        hadir, uvicorn, bare, raw = values
        lines.append((
            scenario, figure, target, *(_cell(v, b) for v, b in zip(values, bound, strict=True)),
            *((_ratio(hadir, bare), _ratio(hadir, raw), _ratio(uvicorn, hadir)) if ratio else ("", "", "")),
            "" if met is None else ("yes" if met else "NO"),
        ))
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    out = ["| " + " | ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)) + " |"
           for line in lines]
    out.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    out.append("* the load client used more than 80% of its core: a client-bound figure. Hadir is the default"
               " (Daphne), uvicorn the same application on uvicorn. Ratios: Hadir's figure divided by each baseline's,"
               " and uvicorn's divided by Hadir's (for latencies lower is better, for rates higher). `lost`: not"
               " delivered within the drain window after the last send. `met` is the default's (Daphne's).")
    return "\n".join(out)

