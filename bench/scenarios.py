"""The live-room scenarios of the issue-18 set: fan-out, saturation, join storm, audience of 2,000,
idle connections, two processes over Redis, a crash. Each returns ``{kind: figures}``."""

from __future__ import annotations

import json
import os

from bench.servers import HADIR_KINDS, Bench, Servers, log


def scenario_fanout(bench: Bench, config: dict) -> dict:
    results = {}
    for kind in bench.kinds:
        results[kind] = {}
        with Servers(bench, kind) as servers:
            for size, room in zip(config["sizes"], servers.rooms(config["sizes"]), strict=True):
                spec = servers.spec([room])
                params = {"rate": config["rate"], "duration": config["duration"], "drain": config["drain"]}
                results[kind][str(size)] = bench.client("fanout", spec, params, timeout=180)
                log(f"fanout {kind} {size}: {_short(results[kind][str(size)], 'p99_ms', 'lost')}")
    return results


def scenario_saturation(bench: Bench, config: dict) -> dict:
    results = {}
    for kind in bench.kinds:
        with Servers(bench, kind) as servers:
            spec = servers.spec([servers.room(config["size"])])
            params = {"rates": config["rates"], "step": config["step"], "p99_limit_ms": 100, "drain": 3}
            results[kind] = bench.client("saturation", spec, params, timeout=300)
            log(f"saturation {kind}: {_short(results[kind], 'held_rate')}")
    return results


def scenario_storm(bench: Bench, config: dict, *, processes: int = 1) -> dict:
    """The storm ``repeat`` times on the same servers, a fresh room each time: on this shared
    machine one run differs from the next by up to a third, so the figures are the median run's."""
    results = {}
    for kind in bench.kinds:
        with Servers(bench, kind, processes=processes) as servers:
            runs = []
            for room in servers.rooms([config["size"]] * config.get("repeat", 1)):
                params = {"timeout": 30, **bench.profile(f"storm{processes}-{kind}-{len(runs)}")}
                runs.append(bench.client("storm", servers.spec([room]), params, timeout=180))
                log(f"storm x{processes} {kind}: "
                    f"{_short(runs[-1], 'converge_after_last_handshake_s', 'lost_updates', 'resyncs')}")
            results[kind] = median_run(runs)
    return results


def scenario_audience(bench: Bench, config: dict) -> dict:
    """A listen-only audience is Hadir's (the baselines have none): Hadir on Daphne and on uvicorn.
    BENCH_AUDIENCE_SCALE (e.g. 0.05) shrinks the room and the storm, to check the scenario runs."""
    scale = float(os.environ.get("BENCH_AUDIENCE_SCALE", "1"))
    participants, listeners, storm = (
        max(1, round(config[key] * scale)) for key in ("participants", "audience", "storm")
    )
    results = {}
    for kind in bench.kinds:
        if kind not in HADIR_KINDS:
            continue
        with Servers(bench, kind) as servers:
            spec = servers.spec([servers.room(participants, audience=listeners)])
            params = {"storm": storm, "timeout": 60, **bench.profile(f"audience-{kind}")}
            results[kind] = bench.client("audience", spec, params, timeout=300)
            log(f"audience {kind}: {_short(results[kind], 'converge_after_last_handshake_s', 'lost_updates')}")
    return results


def median_run(runs: list[dict]) -> dict:
    """The median storm by convergence (a failed or unconverged run, if any, instead), with every
    run's convergence and the lost and duplicated updates of all runs together."""
    failed = [run for run in runs if "error" in run or not run.get("converged")]
    if failed:
        return failed[0]
    ordered = sorted(runs, key=lambda run: run["converge_after_last_handshake_s"])
    return {
        **ordered[len(ordered) // 2],
        "runs_converged_s": [run["converge_after_last_handshake_s"] for run in runs],
        "lost_updates": sum(run["lost_updates"] for run in runs),
        "duplicated_updates": sum(run["duplicated_updates"] for run in runs),
    }


def scenario_idle(bench: Bench, config: dict) -> dict:
    results = {}
    for kind in bench.kinds:
        with Servers(bench, kind) as servers:
            spec = servers.spec(servers.rooms(config["rooms"]))
            params = {"checkpoints": config["checkpoints"], "deadline": config["deadline"], "chat_rate": 2,
                      "chat_seconds": 2.5, "drain": 15}
            results[kind] = bench.client("idle", spec, params, timeout=config["deadline"] * 3 + 120)
            log(f"idle {kind}: {json.dumps(results[kind])[:300]}")
    return results


def scenario_scaled(bench: Bench, config: dict) -> dict:
    results = {"fanout": {}, "storm": {}}
    for kind in bench.kinds:
        with Servers(bench, kind, processes=2) as servers:
            spec = servers.spec([servers.room(config["fanout_size"])])
            params = {"rate": 20, "duration": config["duration"], "drain": config["drain"]}
            results["fanout"][kind] = bench.client("fanout", spec, params, timeout=180)
            log(f"scaled fanout {kind}: {_short(results['fanout'][kind], 'p99_ms', 'lost')}")
    results["storm"] = scenario_storm(bench, {"size": config["storm_size"], "repeat": config["storm_repeat"]},
                                      processes=2)
    return results


def scenario_crash(bench: Bench, config: dict) -> dict:
    results = {"raw": {"skipped": "the ceiling keeps no presence that could expire"},
               "uvicorn": {"skipped": "full run only"}}
    for kind in bench.kinds:
        if kind not in config["timeout"]:
            continue
        with Servers(bench, kind, processes=2) as servers:
            spec = servers.spec([servers.room(config["victims"] + config["watchers"])])
            params = {"victims": config["victims"], "kill_pid": servers.pids[1], "timeout": config["timeout"][kind]}
            results[kind] = bench.client("crash", spec, params, timeout=config["timeout"][kind] + 120)
            log(f"crash {kind}: {_short(results[kind], 'ghosts_gone_after_s', 'ghosts_left')}")
    return results


def _short(result: dict, *keys: str) -> str:
    if "error" in result:
        return f"ERROR {result['error'][:300]}"
    return ", ".join(f"{key}={result.get(key)}" for key in keys)


SCENARIOS = {"fanout": scenario_fanout, "saturation": scenario_saturation, "storm": scenario_storm,
             "audience": scenario_audience, "idle": scenario_idle, "scaled": scenario_scaled,
             "crash": scenario_crash}
