"""Done-when: corrections made through the API retrain the model, the gate promotes the better
model, the running pipeline serves it without a restart, and a worse model is refused.

The pattern: callers report shared bikes (共享单车) blocking blind lanes and pavements. The
hotline routes these to 城管 (``safety.road_hazard``, department ``urban``); the seed model
sends them to the traffic police (``safety.traffic_safety``) or elsewhere. Operators correct a
training slice of these calls; a held-out slice of the same pattern, never sent to the API,
measures whether the new model learned it.
"""

from __future__ import annotations

import io
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.jobs import InlineJobRunner
from api.main import create_app
from classify.champion import ChampionWatcher
from classify.export import load_frozen_eval
from classify.gate import load_any
from classify.registry import Registry
from classify.retrain import RetrainOptions, retrain
from classify.tfidf import TfidfOptions
from pipeline.classifier import load_model_dir
from pipeline.service import Pipeline
from tests.analyst.conftest import SCENARIOS, SEED, read_rows
from tests.api.conftest import make_settings
from tests.api.factories import Api, add_users

PATTERN_LABEL = "safety.road_hazard"
REASON = "共享单车乱停放、占用盲道由城管处理"


@pytest.fixture
def loop(
    sqlite_url: str, tmp_path: Path, password_hash: str, seed_registry: Registry
) -> Iterator[tuple[Api, Pipeline]]:
    """The app with the real pipeline whose classifier follows the registry's champion."""
    settings = make_settings(sqlite_url, tmp_path, registry_dir=seed_registry.root, seed_data=SEED)
    pipeline = Pipeline(settings, classifier=ChampionWatcher(seed_registry, load_model_dir))
    app = create_app(settings, pipeline=pipeline, runner_factory=InlineJobRunner)
    with TestClient(app) as client:
        tokens = add_users(app.state.engine, password_hash)
        yield Api(client, tokens, app.state.engine, settings.upload_dir), pipeline


def _message(api: Api, text: str) -> dict[str, Any]:
    job = api.as_("operator").post("/messages", json={"channel": "wechat", "text": text})
    assert job.status_code == 202, job.text
    number = job.json()["ticket_no"]
    ticket = api.as_("operator").get(f"/tickets/{number}").json()
    return dict(ticket)


def _confirm(api: Api, number: str, label: str) -> None:
    body = {"category_code": label, "reason": REASON}
    response = api.as_("operator").post(f"/tickets/{number}/accept", json=body)
    assert response.status_code == 200, response.text


def _wait_retrain(api: Api, job_id: str, deadline_s: float = 900) -> dict[str, Any]:
    deadline = time.monotonic() + deadline_s
    while True:
        job = api.as_("analyst").get(f"/analytics/retrain/{job_id}").json()
        if job["status"] in ("done", "failed") or time.monotonic() > deadline:
            return dict(job)
        time.sleep(0.5)


def _served(pipeline: Pipeline, text: str) -> str:
    """The model version that classified ``text`` in ``Pipeline.process_text``."""
    prediction = pipeline.process_text(text).prediction
    assert prediction is not None
    return prediction.model_version


def _accuracy(model: Any, texts: list[str], label: str) -> float:
    return sum(p.code == label for p in model.predict_many(texts)) / len(texts)


def test_corrections_retrain_gate_promote_hot_reload(
    loop: tuple[Api, Pipeline], seed_registry: Registry, tmp_path: Path
) -> None:
    api, pipeline = loop
    seed_version = seed_registry.champion_version()
    assert seed_version is not None
    pattern = read_rows(SCENARIOS / "shared_bikes.tsv")
    train = [r for r in pattern if r["split"] == "train"]
    heldout = [r["text"] for r in pattern if r["split"] == "heldout"]
    routine = read_rows(SCENARIOS / "routine.tsv")

    # 1. Calls come in; the seed model misroutes the new pattern.
    tickets = [(_message(api, r["text"]), r["label"]) for r in train + routine]
    suggested = [t["suggested_code"] for t, _ in tickets[: len(train)]]
    assert sum(code != PATTERN_LABEL for code in suggested) >= 0.75 * len(train)
    assert {t["model_version"] for t, _ in tickets} == {seed_version}

    # 2. Operators confirm every ticket, correcting the category where it is wrong.
    for ticket, label in tickets:
        _confirm(api, ticket["number"], label)
    n_corrected = sum(t["suggested_code"] != label for t, label in tickets)

    # 3. Export: analyst only; every confirmed ticket once, corrections flagged.
    assert api.as_("operator").get("/analytics/export").status_code == 403
    export = api.as_("analyst").get("/analytics/export")
    assert export.status_code == 200
    rows = read_rows_text(export.text)
    assert len(rows) == len(tickets)
    assert sum(r["corrected"] == "1" for r in rows) == n_corrected
    assert {r["label"] for r in rows if r["corrected"] == "1"} >= {PATTERN_LABEL}

    # 4. Retrain in the background; the result is measured on the frozen set.
    started = api.as_("analyst").post("/analytics/retrain", json={})
    assert started.status_code == 202, started.text
    job = _wait_retrain(api, started.json()["id"])
    assert job["status"] == "done", job
    result = job["result"]
    new_version = result["version"]
    assert result["export"]["rows"] == len(tickets)
    assert result["metrics"]["eval_version"] == "frozen-v1"
    assert result["champion_metrics"]["model_version"] == seed_version
    decision = result["decision"]
    assert decision["passed"], decision["failures"]
    assert decision["macro_f1_delta"] >= 0
    assert set(decision["class_deltas"]) == set(result["metrics"]["per_class_f1"])

    # 5. On the held-out slice of the pattern the new model beats the champion.
    champion = load_any(seed_registry.root / seed_version)
    candidate = load_any(seed_registry.root / new_version)
    before = _accuracy(champion, heldout, PATTERN_LABEL)
    after = _accuracy(candidate, heldout, PATTERN_LABEL)
    assert after >= 0.75 and after > before + 0.5, (before, after)

    # 6. Promote through the gate; the running pipeline serves it without a restart.
    probe = heldout[0]
    assert _served(pipeline, probe) == seed_version
    promoted = api.as_("analyst").post(f"/analytics/models/{new_version}/promote", json={})
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["overridden"] is False
    prediction = pipeline.process_text(probe).prediction
    assert prediction is not None
    assert (prediction.model_version, prediction.code) == (new_version, PATTERN_LABEL)
    via_api = _message(api, heldout[1])
    assert via_api["model_version"] == new_version
    assert via_api["suggested_code"] == PATTERN_LABEL

    # 7. A deliberately worse model (shuffled labels) is refused by the gate ...
    worse = _register_shuffled(seed_registry, tmp_path)
    refused = api.as_("analyst").post(f"/analytics/models/{worse}/promote", json={})
    assert refused.status_code == 409
    assert refused.json()["decision"]["failures"]
    assert seed_registry.champion_version() == new_version
    assert _served(pipeline, probe) == new_version

    # ... unless an analyst overrides with a reason (audited), and one step rolls it back.
    forced = api.as_("analyst").post(
        f"/analytics/models/{worse}/promote", json={"override_reason": "演练：验证回滚流程"}
    )
    assert forced.status_code == 200 and forced.json()["overridden"] is True
    assert _served(pipeline, probe) == worse
    back = api.as_("analyst").post("/analytics/models/rollback", json={"reason": "效果差，回滚"})
    assert back.status_code == 200 and back.json()["version"] == new_version
    assert _served(pipeline, probe) == new_version

    events = api.as_("analyst").get("/analytics/models/events").json()
    actions = [e["action"] for e in reversed(events)]
    assert actions == ["model_retrain", "model_promote", "model_promote_override", "model_rollback"]
    override = next(e for e in events if e["action"] == "model_promote_override")
    assert override["reason"] == "演练：验证回滚流程" and override["actor"] == "analyst"


def read_rows_text(text: str) -> list[dict[str, str]]:
    """Rows of a TSV given as text."""
    import csv

    return list(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))


def _register_shuffled(registry: Registry, tmp_path: Path) -> str:
    """Register a model trained on the seed texts with their labels shuffled."""
    rows = read_rows(SEED)
    labels = [r["label"] for r in rows]
    random.Random(0).shuffle(labels)
    shuffled = tmp_path / "shuffled.tsv"
    shuffled.write_text(
        "label\ttext\n" + "".join(f"{y}\t{r['text']}\n" for y, r in zip(labels, rows, strict=True)),
        encoding="utf-8",
    )
    result = retrain(
        shuffled,
        None,
        load_frozen_eval(),
        registry,
        options=RetrainOptions(tfidf=TfidfOptions(cv_folds=2)),
    )
    assert not result.decision.passed
    return result.version
