"""Intake jobs: text messages, silence, failures and retries, the thread-pool runner."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.jobs import ThreadJobRunner
from api.main import create_app
from api.models import Call, Job, JobStatus, Ticket, Transcript
from tests.api.conftest import make_settings
from tests.api.factories import Api, add_users, make_wav
from tests.api.fakes import FakePipeline


def _upload(api: Api, freq: float = 440.0) -> dict:
    files = {"file": ("call.wav", make_wav(freq=freq), "audio/wav")}
    resp = api.as_("operator").post("/calls", files=files, data={"caller_phone": "031166668888"})
    assert resp.status_code == 202, resp.text
    return dict(resp.json())


def test_recording_is_stored_by_content_hash(sqlite_api: Api) -> None:
    job = _upload(sqlite_api)
    with Session(sqlite_api.engine) as session:
        call = session.exec(select(Call)).one()
        path = Path(call.recording_path or "")
        assert path.read_bytes() == make_wav(freq=440.0)
        assert path.name == f"{call.content_sha256}.wav" and call.content_type == "audio/wav"
        assert call.duration == 12.5 and call.caller_phone == "031166668888"
        ticket = session.exec(select(Ticket)).one()
        # The number the telephony system gave wins over a number spoken in the call.
        assert ticket.caller_phone == "031166668888" and ticket.number == job["ticket_no"]


def test_silence_gives_no_ticket(sqlite_api: Api) -> None:
    sqlite_api.extra["pipeline"].audio_text = ""
    job = _upload(sqlite_api)
    assert job["status"] == "done" and job["outcome"] == "no_speech" and job["ticket_no"] is None
    with Session(sqlite_api.engine) as session:
        assert session.exec(select(Ticket)).all() == []
        assert session.exec(select(Transcript)).one().text == ""


def test_failed_job_keeps_its_error_and_can_be_retried(sqlite_api: Api) -> None:
    sqlite_api.extra["pipeline"].fail_next = 1
    job = _upload(sqlite_api)
    assert job["status"] == "failed" and "录音无法解码" in job["error"]
    assert job["ticket_no"] is None and job["attempts"] == 1
    op = sqlite_api.as_("operator")
    # The same recording again: refused as a duplicate, pointing at the failed job to retry.
    dup = op.post("/calls", files={"file": ("a.wav", make_wav(freq=440.0), "audio/wav")})
    assert dup.status_code == 409 and dup.json()["job_status"] == "failed"
    retried = op.post(f"/jobs/{job['id']}/retry").json()
    assert retried["status"] == "done" and retried["attempts"] == 2 and retried["error"] is None
    assert retried["ticket_no"]
    # Only failed jobs may be retried.
    assert op.post(f"/jobs/{job['id']}/retry").status_code == 409


def test_text_message_runs_the_same_pipeline(sqlite_api: Api) -> None:
    resp = sqlite_api.as_("operator").post(
        "/messages",
        json={
            "channel": "wechat",
            "text": "我叫张三，新华区和平西路5号停水两天了",
            "caller_phone": "13800001111",
        },
    )
    job = resp.json()
    ticket = sqlite_api.as_("operator").get(f"/tickets/{job['ticket_no']}").json()
    assert (
        ticket["channel"] == "wechat" and ticket["category_code"] == "administrative.water_supply"
    )
    assert ticket["caller_name"] == "张三" and ticket["district"] == "新华区"
    assert ticket["transcript"]["text"] == "我叫张三，新华区和平西路5号停水两天了"
    assert sqlite_api.extra["pipeline"].processed == ["wechat"]
    for bad in (
        {"channel": "fax", "text": "x"},
        {"channel": "phone", "text": "停水"},
        {"channel": "web", "text": "   "},
    ):
        assert sqlite_api.as_("operator").post("/messages", json=bad).status_code == 422


def test_thread_runner_and_recovery_of_unfinished_jobs(
    sqlite_url: str, tmp_path: Path, fake_pipeline: FakePipeline, password_hash: str
) -> None:
    settings = make_settings(sqlite_url, tmp_path)
    app = create_app(settings, pipeline=fake_pipeline, runner_factory=ThreadJobRunner)
    with TestClient(app) as client:
        tokens = add_users(app.state.engine, password_hash)
        headers = {"Authorization": f"Bearer {tokens['operator']}"}
        ids = []
        for i in range(3):
            resp = client.post(
                "/calls",
                headers=headers,
                files={"file": ("c.wav", make_wav(freq=300 + i * 50), "audio/wav")},
            )
            assert resp.status_code == 202
            ids.append(resp.json()["id"])
        assert app.state.runner.wait_idle(timeout=60)
        jobs = [client.get(f"/jobs/{i}", headers=headers).json() for i in ids]
        assert [j["status"] for j in jobs] == ["done"] * 3
        assert sorted(j["ticket_no"][-4:] for j in jobs) == ["0001", "0002", "0003"]
        # Simulate a crash: a job left "running" by a process that died.
        with Session(app.state.engine) as session:
            job = session.get(Job, ids[0])
            assert job is not None
            job.status, job.outcome, job.ticket_id = JobStatus.RUNNING, None, None
            session.add(job)
            session.commit()
    # A new process picks it up again at startup.
    app2 = create_app(settings, pipeline=fake_pipeline, runner_factory=ThreadJobRunner)
    with TestClient(app2):
        assert app2.state.runner.wait_idle(timeout=60)
        with Session(app2.state.engine) as session:
            job = session.get(Job, ids[0])
            assert job is not None and job.status == "done" and job.attempts == 2
