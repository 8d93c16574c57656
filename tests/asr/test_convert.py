"""CTranslate2 -> openai-whisper conversion.

Fast tests build a tiny random Whisper with openai-whisper, write it as a CTranslate2 model with
CTranslate2's own spec classes and serializer, and check that the conversion gives back exactly
the original weights. Slow tests convert the real embedded model and compare it with the
CTranslate2 runtime: encoder output, next-token logits and greedy transcripts.
"""

from __future__ import annotations

import multiprocessing
import struct
from pathlib import Path

import numpy as np
import pytest
import torch
import whisper
from whisper.model import ModelDimensions, Whisper

from asr.convert import build_checkpoint, read_ct2_model, vocabulary_mismatches
from asr.errors import ModelError
from asr.openai_checkpoint import CHECKPOINT_PREFIX, ensure_openai_checkpoint

TINY = ModelDimensions(
    n_mels=80, n_audio_ctx=16, n_audio_state=8, n_audio_head=2, n_audio_layer=2,
    n_vocab=60, n_text_ctx=12, n_text_state=8, n_text_head=2, n_text_layer=2,
)  # fmt: skip


def _tiny_whisper() -> Whisper:
    torch.manual_seed(0)
    model = Whisper(TINY)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.normal_()
    return model


def _write_ct2(model: Whisper, out: Path, quantization: str | None = None) -> Path:
    """Save ``model`` as CTranslate2 would after converting it (fused q/k/v, no key bias)."""
    from ctranslate2.specs import whisper_spec

    sd = {k: v.numpy() for k, v in model.state_dict().items()}

    def linear(spec, name):
        spec.weight = sd[f"{name}.weight"]
        spec.bias = sd[f"{name}.bias"]

    def norm(spec, name):
        spec.gamma, spec.beta = sd[f"{name}.weight"], sd[f"{name}.bias"]

    def fused(spec, names):
        spec.weight = np.concatenate([sd[f"{n}.weight"] for n in names])
        zeros = np.zeros(sd[f"{names[0]}.weight"].shape[0], np.float32)
        spec.bias = np.concatenate([sd.get(f"{n}.bias", zeros) for n in names])

    def block(layer, p, cross):
        fused(
            layer.self_attention.linear[0], [f"{p}.attn.query", f"{p}.attn.key", f"{p}.attn.value"]
        )
        linear(layer.self_attention.linear[1], f"{p}.attn.out")
        norm(layer.self_attention.layer_norm, f"{p}.attn_ln")
        if cross:
            linear(layer.attention.linear[0], f"{p}.cross_attn.query")
            fused(layer.attention.linear[1], [f"{p}.cross_attn.key", f"{p}.cross_attn.value"])
            linear(layer.attention.linear[2], f"{p}.cross_attn.out")
            norm(layer.attention.layer_norm, f"{p}.cross_attn_ln")
        linear(layer.ffn.linear_0, f"{p}.mlp.0")
        linear(layer.ffn.linear_1, f"{p}.mlp.2")
        norm(layer.ffn.layer_norm, f"{p}.mlp_ln")

    spec = whisper_spec.WhisperSpec(2, 2, 2, 2)
    linear(spec.encoder.conv1, "encoder.conv1")
    linear(spec.encoder.conv2, "encoder.conv2")
    spec.encoder.position_encodings.encodings = sd["encoder.positional_embedding"]
    norm(spec.encoder.layer_norm, "encoder.ln_post")
    for i, layer in enumerate(spec.encoder.layer):
        block(layer, f"encoder.blocks.{i}", cross=False)
    spec.decoder.embeddings.weight = sd["decoder.token_embedding.weight"]
    spec.decoder.projection.weight = sd["decoder.token_embedding.weight"]
    spec.decoder.position_encodings.encodings = sd["decoder.positional_embedding"]
    norm(spec.decoder.layer_norm, "decoder.ln")
    for i, layer in enumerate(spec.decoder.layer):
        block(layer, f"decoder.blocks.{i}", cross=True)
    spec.register_vocabulary([f"t{i}" for i in range(TINY.n_vocab)])
    spec.config.alignment_heads = [[1, 0], [1, 1]]
    spec.validate()
    spec.optimize(quantization=quantization)
    spec.save(str(out))
    return out


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Whisper, Path]:
    model = _tiny_whisper()
    return model, _write_ct2(model, tmp_path_factory.mktemp("tiny-ct2"))


def test_ctranslate2_runtime_agrees_with_the_tiny_model(tiny) -> None:
    """Guards the test's own CTranslate2 writer: the runtime must compute what the model does."""
    import ctranslate2

    model, directory = tiny
    features = np.random.default_rng(0).standard_normal((1, 80, 32)).astype(np.float32)
    ct2 = ctranslate2.models.Whisper(str(directory), device="cpu", compute_type="float32")
    ours = np.array(ct2.encode(ctranslate2.StorageView.from_array(features), to_cpu=True))
    with torch.no_grad():
        reference = model.encoder(torch.from_numpy(features)).numpy()
    np.testing.assert_allclose(ours, reference, atol=1e-4)


def test_conversion_recovers_the_exact_weights(tiny) -> None:
    model, directory = tiny
    checkpoint = build_checkpoint(directory)
    assert checkpoint["dims"] == TINY.__dict__
    assert checkpoint["alignment_heads"] == [[1, 0], [1, 1]]
    original = model.state_dict()
    converted = checkpoint["model_state_dict"]
    assert set(converted) == set(original)
    for name, tensor in original.items():
        assert torch.equal(converted[name], tensor), name


def test_checkpoint_loads_with_whisper_load_model(tiny, tmp_path: Path) -> None:
    model, directory = tiny
    path = ensure_openai_checkpoint(directory)
    assert path.parent == directory and path.name.startswith(CHECKPOINT_PREFIX)
    loaded = whisper.load_model(str(path), device="cpu")
    mel = torch.randn(1, 80, 32)
    tokens = torch.tensor([[1, 2, 3]])
    with torch.no_grad():
        assert torch.allclose(loaded(mel, tokens), model(mel, tokens), atol=1e-5)


def test_checkpoint_is_reused_and_follows_the_model(tiny, tmp_path: Path) -> None:
    _, source = tiny
    directory = tmp_path / "model"
    directory.mkdir()
    for name in ("model.bin", "config.json"):
        (directory / name).write_bytes((source / name).read_bytes())
    first = ensure_openai_checkpoint(directory)
    stamp = first.stat().st_mtime_ns
    assert ensure_openai_checkpoint(directory) == first
    assert first.stat().st_mtime_ns == stamp  # not converted twice
    (directory / "config.json").write_text('{"alignment_heads": [[0, 1]]}', encoding="utf-8")
    second = ensure_openai_checkpoint(directory)
    assert second != first and not first.exists()  # the stale conversion is removed
    assert torch.load(second, weights_only=True)["alignment_heads"] == [[0, 1]]
    assert list(directory.glob(".*.tmp")) == []


def _convert_in_child(directory: str) -> str:
    return str(ensure_openai_checkpoint(Path(directory)))


def test_concurrent_conversions_agree(tiny, tmp_path: Path) -> None:
    _, source = tiny
    directory = tmp_path / "model"
    directory.mkdir()
    for name in ("model.bin", "config.json"):
        (directory / name).write_bytes((source / name).read_bytes())
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        paths = set(pool.map(_convert_in_child, [str(directory)] * 3))
    assert len(paths) == 1
    assert len(list(directory.glob(f"{CHECKPOINT_PREFIX}*.pt"))) == 1
    whisper.load_model(paths.pop(), device="cpu")


def _string(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("<H", len(raw) + 1) + raw + b"\0"


def test_reader_parses_the_documented_layout() -> None:
    data = struct.pack("<I", 6) + _string("WhisperSpec") + struct.pack("<I", 3)
    data += struct.pack("<I", 2)
    data += _string("a/weight") + struct.pack("<BIIBI", 2, 2, 3, 4, 12)
    data += np.arange(6, dtype=np.float16).tobytes()
    data += _string("a/heads") + struct.pack("<BBI", 0, 2, 2) + struct.pack("<h", 8)
    data += struct.pack("<I", 1) + _string("b/weight") + _string("a/weight")
    model = read_ct2_model(data)
    assert (model.spec, model.revision) == ("WhisperSpec", 3)
    np.testing.assert_array_equal(model.variables["a/weight"], np.arange(6).reshape(2, 3))
    assert model.variables["a/weight"].dtype == np.float16
    assert int(model.variables["a/heads"]) == 8
    assert model.aliases == {"b/weight": "a/weight"}
    with pytest.raises(ModelError, match="损坏"):
        read_ct2_model(data[:40])
    with pytest.raises(ModelError, match="版本"):
        read_ct2_model(struct.pack("<I", 3) + data[4:])


def test_quantized_model_is_refused(tmp_path: Path) -> None:
    directory = _write_ct2(_tiny_whisper(), tmp_path, quantization="int8")
    with pytest.raises(ModelError, match="float16/float32"):
        build_checkpoint(directory)


@pytest.mark.slow
def test_embedded_vocabulary_matches_openai_tokenizer(embedded_model_dir: Path) -> None:
    assert vocabulary_mismatches(embedded_model_dir) == []


def test_damaged_checkpoint_is_converted_again(tiny, tmp_path: Path) -> None:
    from asr.openai_backend import load_openai_model
    from asr.options import TranscribeOptions

    _, source = tiny
    directory = tmp_path / "model"
    directory.mkdir()
    for name in ("model.bin", "config.json"):
        (directory / name).write_bytes((source / name).read_bytes())
    ensure_openai_checkpoint(directory).write_bytes(b"PK\x03\x04 not a checkpoint")
    model = load_openai_model(TranscribeOptions(model=str(directory), backend="openai-whisper"))
    assert model.dims == TINY
    heads = model.alignment_heads.to_dense()
    assert heads.nonzero().tolist() == [[1, 0], [1, 1]]  # from config.json
    whisper.load_model(str(ensure_openai_checkpoint(directory)), device="cpu")  # repaired
