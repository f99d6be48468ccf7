"""The reference client side of presence: state plus the diffs after it is the room now."""

from rooms.presence import apply_diff, apply_state


def person(pid: str, status: str = "present", **extra) -> dict:
    return {"id": pid, "name": pid.title(), "status": status, "connections": 1, "hand_raised": False, **extra}


def test_a_state_lists_participants_by_id():
    assert apply_state([person("ani"), person("budi")]) == {"ani": person("ani"), "budi": person("budi")}


def test_joins_updates_and_leaves_apply_in_place():
    state = apply_state([person("ani"), person("budi")])
    result = apply_diff(state, {
        "type": "presence.diff", "seq": 2,
        "joins": [person("citra", "waiting")], "leaves": [person("budi")],
        "updates": [person("ani", hand_raised=True)],
    })
    assert result is state
    assert state == {"ani": person("ani", hand_raised=True), "citra": person("citra", "waiting")}


def test_leaves_apply_before_joins_so_a_rejoin_in_one_diff_stays():
    state = apply_state([person("ani", "away")])
    apply_diff(state, {"joins": [person("ani")], "leaves": [person("ani", "away")], "updates": []})
    assert state == {"ani": person("ani")}


def test_a_leave_of_someone_unknown_and_missing_lists_are_harmless():
    state = apply_state([person("ani")])
    apply_diff(state, {"leaves": [person("zed")]})
    assert state == {"ani": person("ani")}


def test_on_change_tells_each_participant_before_and_after():
    state = apply_state([person("ani"), person("budi")])
    changes = []
    apply_diff(state, {"joins": [person("citra")], "leaves": [person("budi")], "updates": [person("ani", "away")]},
               on_change=lambda pid, before, after: changes.append((pid, before and before["status"],
                                                                    after and after["status"])))
    assert changes == [("budi", "present", None), ("citra", None, "present"), ("ani", "present", "away")]


def test_the_audience_count_is_kept_and_additive():
    state = apply_state([person("ani")], audience=40)
    assert state.audience == 40 and state == {"ani": person("ani")}
    apply_diff(state, {"joins": [], "leaves": [], "updates": [], "audience": 41})
    assert state.audience == 41 and state == {"ani": person("ani")}
    apply_diff(state, {"joins": [person("budi")]})  # a diff without the count leaves it alone
    assert state.audience == 41 and set(state) == {"ani", "budi"}
    assert apply_state([person("ani")]).audience == 0
