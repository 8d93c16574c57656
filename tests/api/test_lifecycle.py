"""The state machine, checked over every (state, action) pair."""

from __future__ import annotations

import pytest

from api.lifecycle import Action, IllegalTransition, Status, allowed_actions, next_status

S, A = Status, Action
# Every legal move; everything else must be refused.
LEGAL = {
    (S.DRAFT, A.ACCEPT): S.ACCEPTED,
    (S.ACCEPTED, A.DISPATCH): S.DISPATCHED,
    (S.DISPATCHED, A.START): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.RESOLVE): S.RESOLVED,
    (S.DISPATCHED, A.RETURN): S.ACCEPTED,
    (S.IN_PROGRESS, A.RETURN): S.ACCEPTED,
    (S.RESOLVED, A.VISIT): S.VISITED,
    (S.VISITED, A.CLOSE): S.CLOSED,
    (S.VISITED, A.REOPEN): S.DISPATCHED,
    **{
        (s, A.MERGE): S.MERGED
        for s in (S.DRAFT, S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.RESOLVED, S.VISITED)
    },
}


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(Action))
def test_every_pair(status: Status, action: Action) -> None:
    expected = LEGAL.get((status, action))
    if expected is None:
        with pytest.raises(IllegalTransition) as info:
            next_status(status, action, satisfaction=1)
        assert "不能" in str(info.value)
    else:
        assert next_status(status, action, satisfaction=1) == expected


@pytest.mark.parametrize(
    ("score", "ok"), [(1, True), (2, True), (3, False), (5, False), (None, False)]
)
def test_reopen_needs_low_satisfaction(score: int | None, ok: bool) -> None:
    if ok:
        assert next_status(S.VISITED, A.REOPEN, satisfaction=score) is S.DISPATCHED
    else:
        with pytest.raises(IllegalTransition, match="满意度"):
            next_status(S.VISITED, A.REOPEN, satisfaction=score)


def test_terminal_states_allow_nothing() -> None:
    assert allowed_actions(S.CLOSED) == [] and allowed_actions(S.MERGED) == []
    assert allowed_actions(S.VISITED, satisfaction=5) == [A.CLOSE, A.MERGE]
    assert allowed_actions(S.VISITED, satisfaction=2) == [A.REOPEN, A.CLOSE, A.MERGE]
