"""Converting a CTranslate2 Whisper model into an openai-whisper checkpoint.

The embedded model exists only in CTranslate2 format (``model.bin``, written by CTranslate2's
``ModelSpec._serialize``, binary version 6). Its layout::

    uint32 binary_version, string spec_name, uint32 spec_revision, uint32 n_variables
    n_variables x (string name, uint8 rank, uint32 dims[rank], uint8 dtype, uint32 n_bytes,
                   bytes data)
    uint32 n_aliases, n_aliases x (string alias, string variable_name)

where ``string`` is ``uint16 length-with-NUL``, UTF-8 bytes and a NUL, all little-endian, and
``dtype`` indexes (float32, int8, int16, int32, float16, bfloat16).

CTranslate2 names and fuses the weights differently from openai-whisper (``whisper/model.py``):
self-attention stores query, key and value as one ``linear_0`` (3 x d rows, the key bias is
zero because Whisper's key projection has none), cross-attention stores the query as
``linear_0`` and key + value as ``linear_1``; layer norms are ``gamma``/``beta``. The
conversion splits and renames them, and the checkpoint is a plain
``{"dims": ..., "model_state_dict": ...}`` that ``whisper.load_model(path)`` loads offline,
plus ``"alignment_heads"`` (``[layer, head]`` pairs from ``config.json``) for word timing.
:mod:`asr.openai_checkpoint` caches the converted file beside the model.

The vocabularies agree: CTranslate2's ``vocabulary.txt`` is openai-whisper's multilingual
tiktoken vocabulary written as GPT-2 byte-level strings (checked by :func:`vocabulary_mismatches`).
"""

from __future__ import annotations

import base64
import gzip
import json
import mmap
import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from asr.errors import ModelError

SUPPORTED_BINARY_VERSION = 6
_DTYPES: tuple[Any, ...] = (np.float32, np.int8, np.int16, np.int32, np.float16)
_GELU = 3  # ctranslate2.specs.common_spec.Activation.GELU
_LAYER_RE = re.compile(r"^(encoder|decoder)/layer_(\d+)/")


@dataclass
class Ct2Model:
    """The variables of a CTranslate2 ``model.bin``.

    Attributes:
        spec: Spec name, e.g. ``"WhisperSpec"``.
        revision: Spec revision.
        variables: Name -> array (views into the file's memory map; copy before closing).
        aliases: Alias name -> variable name (tied weights).
    """

    spec: str
    revision: int
    variables: dict[str, np.ndarray]
    aliases: dict[str, str]


class _Reader:
    def __init__(self, buffer: Any) -> None:
        self.buffer, self.offset = buffer, 0

    def unpack(self, fmt: str) -> int:
        (value,) = struct.unpack_from("<" + fmt, self.buffer, self.offset)
        self.offset += struct.calcsize("<" + fmt)
        return int(value)

    def string(self) -> str:
        length = self.unpack("H")
        raw = bytes(self.buffer[self.offset : self.offset + length - 1])
        self.offset += length
        return raw.decode("utf-8")

    def array(self, shape: list[int], dtype_id: int, n_bytes: int) -> np.ndarray:
        if dtype_id >= len(_DTYPES):
            raise ModelError(
                f"不支持的模型权重类型（编号 {dtype_id}），请使用 float16 或 float32 的模型 "
                "(unsupported weight dtype, e.g. bfloat16)"
            )
        dtype = np.dtype(_DTYPES[dtype_id])
        count = n_bytes // dtype.itemsize
        data = np.frombuffer(self.buffer, dtype=dtype, count=count, offset=self.offset)
        self.offset += n_bytes
        return data.reshape(shape)


def read_ct2_model(buffer: Any) -> Ct2Model:
    """Parse the bytes of a CTranslate2 ``model.bin`` (bytes, or an ``mmap``).

    Raises:
        ModelError: The file is of an unsupported version or truncated.
    """
    reader = _Reader(buffer)
    try:
        version = reader.unpack("I")
        if version != SUPPORTED_BINARY_VERSION:
            raise ModelError(
                f"不支持的 CTranslate2 模型文件版本 {version}（支持 {SUPPORTED_BINARY_VERSION}），"
                "请用 ctranslate2 4.x 重新转换模型 (unsupported model.bin version)"
            )
        spec, revision = reader.string(), reader.unpack("I")
        variables: dict[str, np.ndarray] = {}
        for _ in range(reader.unpack("I")):
            name = reader.string()
            shape = [reader.unpack("I") for _ in range(reader.unpack("B"))]
            dtype_id, n_bytes = reader.unpack("B"), reader.unpack("I")
            variables[name] = reader.array(shape, dtype_id, n_bytes)
        aliases = {reader.string(): reader.string() for _ in range(reader.unpack("I"))}
    except (struct.error, ValueError, UnicodeDecodeError) as exc:
        if isinstance(exc, ModelError):
            raise
        raise ModelError(
            f"CTranslate2 模型文件已损坏或不完整：{exc} (model.bin is truncated or corrupt)"
        ) from exc
    return Ct2Model(spec, revision, variables, aliases)


def _scalar(model: Ct2Model, name: str) -> int:
    return int(model.variables[name].reshape(-1)[0])


def _check_architecture(model: Ct2Model) -> None:
    """Refuse models the name mapping below would convert wrongly."""
    v = model.variables
    problems = []
    if model.spec != "WhisperSpec":
        problems.append(f"spec {model.spec}")
    if any(name.endswith("weight_scale") for name in v):
        problems.append("quantized (int8) weights")
    if _scalar(model, "decoder/activation") != _GELU:
        problems.append("activation is not GELU")
    if not _scalar(model, "decoder/pre_norm") or _scalar(model, "decoder/scale_embeddings"):
        problems.append("unexpected decoder normalisation or embedding scale")
    tied = model.aliases.get("decoder/projection/weight") == "decoder/embeddings/weight"
    projection = v.get("decoder/projection/weight")
    if not tied and (
        projection is None or not np.array_equal(projection, v["decoder/embeddings/weight"])
    ):
        problems.append("output projection not tied to the token embedding")
    if problems:
        raise ModelError(
            f"无法转换该模型（{'; '.join(problems)}）：openai-whisper 后端需要 float16/float32 的 "
            "Whisper 模型 (cannot convert this model to openai-whisper)"
        )


def model_dimensions(model: Ct2Model) -> dict[str, int]:
    """openai-whisper ``ModelDimensions`` fields read off the variable shapes."""
    v = model.variables
    layers = {"encoder": 0, "decoder": 0}
    for name in v:
        if match := _LAYER_RE.match(name):
            kind, index = match.group(1), int(match.group(2))
            layers[kind] = max(layers[kind], index + 1)
    audio_ctx, audio_state = v["encoder/position_encodings/encodings"].shape
    text_ctx, text_state = v["decoder/position_encodings/encodings"].shape
    return {
        "n_mels": int(v["encoder/conv1/weight"].shape[1]),
        "n_audio_ctx": int(audio_ctx),
        "n_audio_state": int(audio_state),
        "n_audio_head": _scalar(model, "encoder/num_heads"),
        "n_audio_layer": layers["encoder"],
        "n_vocab": int(v["decoder/embeddings/weight"].shape[0]),
        "n_text_ctx": int(text_ctx),
        "n_text_state": int(text_state),
        "n_text_head": _scalar(model, "decoder/num_heads"),
        "n_text_layer": layers["decoder"],
    }


class _StateDict:
    """Collects openai-whisper tensors from CTranslate2 variables."""

    def __init__(self, model: Ct2Model) -> None:
        self.v, self.out = model.variables, {}  # type: dict[str, np.ndarray], dict[str, Any]

    def put(self, name: str, array: np.ndarray) -> None:
        self.out[name] = torch.from_numpy(np.array(array, copy=True))

    def linear(self, src: str, dst: str) -> None:
        self.put(f"{dst}.weight", self.v[f"{src}/weight"])
        self.put(f"{dst}.bias", self.v[f"{src}/bias"])

    def layer_norm(self, src: str, dst: str) -> None:
        self.put(f"{dst}.weight", self.v[f"{src}/gamma"])
        self.put(f"{dst}.bias", self.v[f"{src}/beta"])

    def fused(self, src: str, dsts: tuple[str, ...]) -> None:
        """Split a fused projection; the key projection (``...key``) has no bias in Whisper."""
        weights = np.split(self.v[f"{src}/weight"], len(dsts))
        biases = np.split(self.v[f"{src}/bias"], len(dsts))
        for dst, weight, bias in zip(dsts, weights, biases, strict=True):
            self.put(f"{dst}.weight", weight)
            if dst.endswith(".key"):
                if np.any(bias):
                    raise ModelError(
                        "模型的 key 投影带有偏置，不是 Whisper 结构 (key projection has a bias)"
                    )
            else:
                self.put(f"{dst}.bias", bias)

    def block(self, src: str, dst: str, cross: bool) -> None:
        self.fused(
            f"{src}/self_attention/linear_0",
            (f"{dst}.attn.query", f"{dst}.attn.key", f"{dst}.attn.value"),
        )
        self.linear(f"{src}/self_attention/linear_1", f"{dst}.attn.out")
        self.layer_norm(f"{src}/self_attention/layer_norm", f"{dst}.attn_ln")
        if cross:
            self.linear(f"{src}/attention/linear_0", f"{dst}.cross_attn.query")
            self.fused(
                f"{src}/attention/linear_1", (f"{dst}.cross_attn.key", f"{dst}.cross_attn.value")
            )
            self.linear(f"{src}/attention/linear_2", f"{dst}.cross_attn.out")
            self.layer_norm(f"{src}/attention/layer_norm", f"{dst}.cross_attn_ln")
        self.linear(f"{src}/ffn/linear_0", f"{dst}.mlp.0")
        self.linear(f"{src}/ffn/linear_1", f"{dst}.mlp.2")
        self.layer_norm(f"{src}/ffn/layer_norm", f"{dst}.mlp_ln")


def openai_state_dict(model: Ct2Model, dims: dict[str, int]) -> dict[str, torch.Tensor]:
    """The openai-whisper ``state_dict`` (same dtype as the CTranslate2 weights)."""
    sd = _StateDict(model)
    sd.linear("encoder/conv1", "encoder.conv1")
    sd.linear("encoder/conv2", "encoder.conv2")
    sd.put("encoder.positional_embedding", model.variables["encoder/position_encodings/encodings"])
    for i in range(dims["n_audio_layer"]):
        sd.block(f"encoder/layer_{i}", f"encoder.blocks.{i}", cross=False)
    sd.layer_norm("encoder/layer_norm", "encoder.ln_post")
    sd.put("decoder.token_embedding.weight", model.variables["decoder/embeddings/weight"])
    sd.put("decoder.positional_embedding", model.variables["decoder/position_encodings/encodings"])
    for i in range(dims["n_text_layer"]):
        sd.block(f"decoder/layer_{i}", f"decoder.blocks.{i}", cross=True)
    sd.layer_norm("decoder/layer_norm", "decoder.ln")
    return sd.out


def build_checkpoint(model_dir: Path) -> dict[str, Any]:
    """Read ``model_dir/model.bin`` (+ ``config.json``) into an openai-whisper checkpoint.

    Returns:
        ``{"dims": ..., "model_state_dict": ..., "alignment_heads": [[layer, head], ...]}``.

    Raises:
        ModelError: The model is not a convertible Whisper model.
    """
    with (model_dir / "model.bin").open("rb") as handle:
        # Not closed explicitly: the arrays (and an exception's traceback) may still point
        # into the map; it is unmapped when the last of them goes.
        buffer = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    model = read_ct2_model(buffer)
    _check_architecture(model)
    dims = model_dimensions(model)
    state = openai_state_dict(model, dims)  # copies, independent of the map
    del model, buffer
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    heads = [[int(layer), int(head)] for layer, head in config.get("alignment_heads") or []]
    return {"dims": dims, "model_state_dict": state, "alignment_heads": heads}


def alignment_heads_dump(heads: list[list[int]], n_layer: int, n_head: int) -> bytes:
    """Encode ``[layer, head]`` pairs the way ``Whisper.set_alignment_heads`` reads them."""
    mask = np.zeros((n_layer, n_head), dtype=bool)
    for layer, head in heads:
        mask[layer, head] = True
    return base64.b85encode(gzip.compress(mask.tobytes()))


_BYTE_TOKEN_ALIASES = {"<|nocaptions|>": "<|nospeech|>"}  # Hugging Face vs tiktoken name


def _gpt2_unicode_to_byte() -> dict[str, int]:
    printable = [*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
    codes, extra = list(printable), 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            codes.append(256 + extra)
            extra += 1
    return {chr(code): byte for byte, code in zip(printable, codes, strict=True)}


def vocabulary_mismatches(model_dir: Path, limit: int = 10) -> list[tuple[int, str, str]]:
    """Token ids where ``vocabulary.txt`` differs from openai-whisper's multilingual tokenizer.

    Returns:
        Up to ``limit`` ``(id, ctranslate2 token, openai-whisper token)`` triples; empty when
        the vocabularies agree.
    """
    from whisper.tokenizer import get_encoding

    encoding = get_encoding("multilingual")
    specials = {token_id: name for name, token_id in encoding._special_tokens.items()}
    to_byte = _gpt2_unicode_to_byte()
    lines = (model_dir / "vocabulary.txt").read_text(encoding="utf-8").split("\n")
    bad: list[tuple[int, str, str]] = []
    for token_id in range(encoding.n_vocab):
        token = lines[token_id] if token_id < len(lines) else ""
        if token_id in specials:
            expected = specials[token_id]
            same = _BYTE_TOKEN_ALIASES.get(token, token) == expected
        else:
            expected = repr(encoding.decode_single_token_bytes(token_id))
            same = (
                all(c in to_byte for c in token)
                and repr(bytes(to_byte[c] for c in token)) == expected
            )
        if not same:
            bad.append((token_id, token, expected))
            if len(bad) >= limit:
                break
    return bad
