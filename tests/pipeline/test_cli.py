"""The ``minsheng`` CLI contract: JSON lines on stdout, errors per file, exit codes."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest

from api.commands import add_service_commands
from pipeline.cli import build_parser
from tests.pipeline.conftest import REPO, cli_env, run_cli


def test_parser_knows_every_command() -> None:
    parser = build_parser([add_service_commands])
    for argv in (
        ["process", "a.wav", "--json"],
        ["transcribe", "a.wav"],
        ["classify", "x"],
        ["train", "--data", "a.tsv", "--out", "o"],
        ["models", "list"],
        ["serve"],
        ["retrain", "--corrections", "c.tsv"],
        ["create-admin", "root"],
    ):
        assert parser.parse_args(argv).command == argv[0]


def test_no_arguments_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args([])
    assert exc.value.code == 2


@pytest.mark.slow
def test_bad_files_give_error_lines_and_the_rest_still_runs(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.wav"
    text_file.write_text("这不是音频", encoding="utf-8")
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    silence = tmp_path / "silence.wav"
    with wave.open(str(silence), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(np.zeros(8000 * 3, dtype=np.int16).tobytes())
    missing = tmp_path / "missing.wav"
    result = run_cli(
        ["process", str(text_file), str(empty), str(missing), str(silence), "--json"],
        cli_env(tmp_path),
    )
    assert result.returncode != 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in rows] == [str(text_file), str(empty), str(missing), str(silence)]
    for bad in rows[:3]:
        assert set(bad) == {"source", "error"} and bad["error"]
    quiet = rows[3]
    assert quiet["no_speech"] is True
    assert quiet["transcript"]["text"] == ""
    assert quiet["category"] is None and quiet["needs_review"] is True


def test_classify_text_channel(tmp_path: Path) -> None:
    result = run_cli(
        ["classify", "你好，我们小区门口的垃圾桶满了三天了都没人来收，臭得不行", "--json"],
        cli_env(tmp_path),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    row = json.loads(result.stdout)
    assert row["category"]["top"] == "environment"
    assert row["category"]["code"] == "environment.garbage"
    assert row["department"]


def test_train_rejects_missing_data(tmp_path: Path) -> None:
    result = run_cli(
        ["train", "--data", str(tmp_path / "nope.tsv"), "--out", str(tmp_path / "m")],
        cli_env(tmp_path),
    )
    assert result.returncode == 2
    assert "训练数据不存在" in result.stderr


def test_train_register_promote_and_rollback(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    seed = str(REPO / "data" / "seed" / "seed.tsv")
    for name in ("m1", "m2"):
        r = run_cli(
            ["train", "--data", seed, "--out", str(tmp_path / name), "--register", "--promote"], env
        )
        assert r.returncode == 0, r.stderr[-2000:]
    listing = run_cli(["models", "list"], env).stdout.splitlines()
    assert len(listing) == 2 and listing[1].startswith("*")
    second = listing[1].split()[1]
    first = listing[0].split()[1]
    rolled = run_cli(["models", "rollback"], env)
    assert rolled.returncode == 0 and first in rolled.stdout
    assert run_cli(["models", "list"], env).stdout.splitlines()[0].startswith("*")
    assert run_cli(["models", "promote", second], env).returncode == 0
    bad = run_cli(["models", "promote", "no-such-version"], env)
    assert bad.returncode == 2 and "模型版本不存在" in bad.stderr


@pytest.mark.slow
def test_transcribe_folder_is_resumable(tmp_path: Path) -> None:
    folder = tmp_path / "calls"
    folder.mkdir()
    (folder / "a.wav").write_bytes((REPO / "data" / "calls" / "heating_01.wav").read_bytes())
    (folder / "broken.wav").write_bytes(b"RIFF0000WAVE")
    out = tmp_path / "out.jsonl"
    env = cli_env(tmp_path)
    first = run_cli(["transcribe", "--dir", str(folder), "--out", str(out)], env)
    assert first.returncode == 1  # the broken file failed, and says so
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    by_path = {r["path"]: r for r in rows}
    # the heating call (Whisper base writes 暖气 as 乱七 on some CPUs; 热力公司 is said too)
    assert any(word in by_path["a.wav"]["text"] for word in ("暖气", "热力"))
    assert by_path["broken.wav"]["error"]
    second = run_cli(["transcribe", "--dir", str(folder), "--out", str(out)], env)
    assert "已跳过 1" in second.stderr
    again = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert sum(r["path"] == "a.wav" for r in again) == 1


def test_transcribe_needs_files_or_dir(tmp_path: Path) -> None:
    result = run_cli(["transcribe"], cli_env(tmp_path))
    assert result.returncode == 2
    assert "--dir" in result.stderr


def _two_class_seed(tmp_path: Path) -> Path:
    """The seed lines of two clear-cut sub-categories, as a small training file."""
    lines = (REPO / "data" / "seed" / "seed.tsv").read_text("utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    small = tmp_path / "small.tsv"
    keep = [r for r in rows if r.startswith(("environment.garbage\t", "safety.gas_leak\t"))]
    small.write_text("\n".join([header, *keep]) + "\n", "utf-8")
    return small


@pytest.mark.skipif(
    not (REPO / "models" / "inhouse-bert" / "config.json").exists(),
    reason="the in-house BERT checkpoint (models/inhouse-bert) is not in this checkout",
)
def test_train_bert_kind_and_classify_with_it(tmp_path: Path) -> None:
    small = _two_class_seed(tmp_path)
    env = cli_env(tmp_path)
    out = tmp_path / "bert-model"
    trained = run_cli(["train", "--data", str(small), "--kind", "bert", "--out", str(out)], env)
    assert trained.returncode == 0, trained.stderr[-2000:]
    assert json.loads((out / "meta.json").read_text("utf-8"))["kind"] == "bert"
    result = run_cli(["classify", "楼道里煤气味很大", "--json", "--model", str(out)], env)
    assert result.returncode == 0, result.stderr[-2000:]
    category = json.loads(result.stdout)["category"]
    assert category["code"] in {"environment.garbage", "safety.gas_leak"}
    assert category["model_version"].startswith("bert-")


@pytest.mark.skipif(
    not (REPO / "models" / "inhouse-bert" / "config.json").exists(),
    reason="the in-house BERT checkpoint (models/inhouse-bert) is not in this checkout",
)
def test_train_ensemble_kind_then_evaluate_it(tmp_path: Path) -> None:
    small = _two_class_seed(tmp_path)
    env = cli_env(tmp_path)
    out = tmp_path / "ens-model"
    argv = ["train", "--data", str(small), "--kind", "ensemble", "--out", str(out)]
    trained = run_cli([*argv, "--threads", "2"], env)
    assert trained.returncode == 0, trained.stderr[-2000:]
    meta = json.loads((out / "meta.json").read_text("utf-8"))
    assert meta["kind"] == "ensemble" and set(meta["weights"]) == {"tfidf", "bert"}
    result = run_cli(["evaluate", "--model", str(out), "--data", str(small), "--json"], env)
    assert result.returncode == 0, result.stderr[-2000:]
    metrics = json.loads(result.stdout)
    assert metrics["model_version"] == meta["version"]
    assert metrics["accuracy"] > 0.9  # its own training data, two clear-cut classes


def test_evaluate_prints_the_metrics_contract(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    model = tmp_path / "m"
    seed = str(REPO / "data" / "seed" / "seed.tsv")
    assert run_cli(["train", "--data", seed, "--out", str(model)], env).returncode == 0
    frozen = str(REPO / "data" / "eval" / "frozen-v1.tsv")
    result = run_cli(["evaluate", "--model", str(model), "--data", frozen, "--json"], env)
    assert result.returncode == 0, result.stderr[-2000:]
    metrics = json.loads(result.stdout)
    assert {"accuracy", "macro_f1", "per_class", "confusion"} <= set(metrics)
    assert metrics["accuracy"] > 0.8 and metrics["macro_f1"] > 0.8
    per_class = metrics["per_class"]
    assert set(per_class["environment.garbage"]) == {"precision", "recall", "f1", "support"}
    assert sum(m["support"] for m in per_class.values()) == metrics["n"]
    matrix = metrics["confusion"]["matrix"]
    assert sum(map(sum, matrix)) == metrics["n"]
    bad = run_cli(["evaluate", "--model", str(tmp_path / "nope"), "--data", frozen], env)
    assert bad.returncode == 2 and "错误" in bad.stderr
