"""The table's rows of the issue-19 scenarios (``bench.scenarios_big``), after scenario 6."""

from __future__ import annotations

from collections.abc import Callable

from bench.servers import KINDS
from bench.targets import BIG, NONE_LOST


def value_of(result: dict | None, key: str):
    if not isinstance(result, dict) or "error" in result or "skipped" in result:
        return None
    return result.get(key)


def _by_kind(by_kind: dict, *path: str) -> tuple:
    values = []
    for kind in KINDS:
        value = by_kind.get(kind)
        for key in path:
            value = value_of(value, key)
        values.append(value)
    return tuple(values)


def _hadir(value) -> tuple:
    return (value, None, None, None)


def issue19_rows(live: dict, database: str, add: Callable) -> None:
    if "idle" in live:
        chats = _by_kind(live["idle"], "chat", "p99_ms")
        target = BIG["idle_chat_vs_raw"]
        if isinstance(chats[0], float | int) and isinstance(chats[3], float | int) and chats[3]:
            ratio = round(chats[0] / chats[3], 2)
            add("4 idle", "chat into the room: Hadir's p99 ÷ raw's", target.text, _hadir(ratio), met=target.met(ratio),
                ratio=False)
    if "audience5000" in live:
        _audience(live["audience5000"], add)
    if "processes" in live:
        _processes(live["processes"].get("hadir", {}), database, add)
    if "queries" in live:
        result = live["queries"].get("hadir", {})
        scenario = f"11 SQL queries ({database}, {value_of(result, 'processes')} proc.)"
        for room in value_of(result, "rooms") or []:
            for key, label in (("per_join_link", "per join link"), ("per_join", "per join"),
                               ("per_chat_line", "per chat line"), ("per_leave", "per leave")):
                add(scenario, f"room {room['room']}: {label}", "", _hadir(room[key]), ratio=False)
    if "noisy" in live:
        _noisy(live["noisy"], add)
    if "profile" in live:
        for name, figures in (live["profile"].get("hadir") or {}).items():
            if isinstance(figures, dict):
                add("13 py-spy (Daphne)", f"{name}: stacks in {figures.get('profile', '?').rsplit('/', 2)[-2]}/",
                    "", (None,) * len(KINDS))


def _audience(by_kind: dict, add: Callable) -> None:
    size = next((v for v in _by_kind(by_kind, "size") if v), 5000)
    storm = next((v for v in _by_kind(by_kind, "storm") if v), 2000)
    scenario = f"9 audience {size}"
    values, lost = _by_kind(by_kind, "converge_after_last_handshake_s"), _by_kind(by_kind, "lost_updates")
    bound = tuple(bool(v) for v in _by_kind(by_kind, "client_bound"))
    target = BIG["audience5000_storm_converged_s"]
    add(scenario, f"storm of {storm}: converged s", target.text, values, bound, target.met(values[0], lost[0]))
    add(scenario, f"storm of {storm}: lost updates", NONE_LOST, lost, ratio=False)
    add(scenario, f"storm of {storm}: handshake p99 ms", "", _by_kind(by_kind, "handshake", "p99_ms"))
    values, lost = _by_kind(by_kind, "chat", "p99_ms"), _by_kind(by_kind, "chat", "lost")
    bound = tuple(bool(v) for v in _by_kind(by_kind, "chat", "client_bound"))
    target = BIG["audience5000_chat_p99_ms"]
    add(scenario, f"line to all {size}: p99 ms", target.text, values, bound, target.met(values[0], lost[0]))
    add(scenario, f"line to all {size}: lost", NONE_LOST, lost, ratio=False)
    values = _by_kind(by_kind, "rss_per_connection_kib")
    target = BIG["audience5000_kib_per_connection"]
    add(scenario, f"KiB per connection at {size} open", target.text, values, met=target.met(values[0]))
    add(scenario, "failures", NONE_LOST, _by_kind(by_kind, "failures"), ratio=False)


def _processes(results: dict, database: str, add: Callable) -> None:
    for count, figures in results.items():
        if not count.isdigit():
            continue
        scenario = f"10 {database} + Redis, {count} proc."
        fan, storm = figures.get("fanout"), figures.get("storm")
        target = BIG["processes_fanout_p99_ms"]
        p99, lost = value_of(fan, "p99_ms"), value_of(fan, "lost")
        add(scenario, "fan-out 200 at 20/s: p99 ms", target.text, _hadir(p99), met=target.met(p99, lost))
        add(scenario, "fan-out 200: lost", NONE_LOST, _hadir(lost), ratio=False)
        target = BIG["processes_storm_converged_s"]
        converged, lost = value_of(storm, "converge_after_last_handshake_s"), value_of(storm, "lost_updates")
        add(scenario, "join storm 200: converged s", target.text, _hadir(converged), met=target.met(converged, lost))
        add(scenario, "join storm 200: lost updates", NONE_LOST, _hadir(lost), ratio=False)
    idle = results.get("idle")
    points = value_of(idle, "checkpoints") or []
    if points:
        point, scenario = points[-1], f"10 {database} + Redis, {idle['processes']} proc."
        target = BIG["processes_idle_kib_per_connection"]
        kib = point.get("rss_per_connection_kib")
        add(scenario, f"{point['connections']} idle: KiB per connection", target.text, _hadir(kib), met=target.met(kib))
        add(scenario, f"{point['connections']} idle: failures", NONE_LOST, _hadir(point.get("failures")), ratio=False)
    crash = results.get("crash")
    if isinstance(crash, dict) and "victims" in crash:
        gone = crash["ghosts_gone_after_s"] if crash.get("ghosts_gone") else f"> {crash.get('watched_s')}"
        target = BIG["processes_crash_ghosts_gone_s"]
        add(f"10 {database} + Redis, {crash['processes']} proc.", "one killed: ghosts gone after s", target.text,
            _hadir(gone), met=bool(target.met(gone)))


def _noisy(by_kind: dict, add: Callable) -> None:
    hogs = next((v for v in _by_kind(by_kind, "hogs") if v), 2)
    scenario = f"12 noisy ({hogs} hogs on core)"
    values, lost = _by_kind(by_kind, "p99_ms"), _by_kind(by_kind, "lost")
    target = BIG["noisy_p99_ms"]
    add(scenario, "room 200 at 20/s: p99 ms", target.text, values, met=target.met(values[0], lost[0]))
    add(scenario, "room 200: lost", NONE_LOST, lost, ratio=False)
    add(scenario, "server CPU share", "", tuple(sum(v) if v else None for v in _by_kind(by_kind, "server_cpu")))
    values = _by_kind(by_kind, "cpu_per_frame_us")
    target = BIG["noisy_cpu_per_frame_ratio"]
    ratio = round(values[0] / values[1], 2) if values[0] and values[1] else None
    add(scenario, "server CPU µs per delivered frame", target.text, values, met=target.met(ratio))
