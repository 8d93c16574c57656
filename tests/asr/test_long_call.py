"""An hour-scale call is transcribed in bounded memory, with correct times across windows."""

from __future__ import annotations

import json
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from asr.audio import decode_audio
from asr.textnorm import character_error_rate

CLIP = "paddlespeech_zh.wav"
MINUTES = 45
RATE = 8000
SPEECH_AT_S = (60.0, MINUTES * 60 - 120.0)  # the second is several windows later
MAX_GROWTH_MB = 450  # measured ~240 MB above the loaded model; ~700 MB in one window

_CHILD = """
import json, resource, sys
from asr import TranscribeOptions, Transcriber
transcriber = Transcriber(TranscribeOptions(cpu_threads=2), cache_dir=sys.argv[2])
loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
transcript = transcriber.transcribe(sys.argv[1])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"loaded_kb": loaded, "peak_kb": peak, "duration": transcript.duration,
                  "segments": [[s.start, s.end, s.text] for s in transcript.segments]}))
"""


def _write_long_call(path: Path, speech: np.ndarray) -> None:
    """Faint noise for MINUTES minutes with ``speech`` at SPEECH_AT_S, written block by block."""
    rng = np.random.default_rng(7)
    starts = [int(t * RATE) for t in SPEECH_AT_S]
    total, position = MINUTES * 60 * RATE, 0
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        while position < total:
            block = (rng.standard_normal(min(RATE * 10, total - position)) * 0.001).astype(
                np.float32
            )
            for start in starts:
                lo, hi = max(start, position), min(start + speech.size, position + block.size)
                if lo < hi:
                    block[lo - position : hi - position] += speech[lo - start : hi - start]
            out.writeframes((np.clip(block, -1, 1) * 32767).astype(np.int16).tobytes())
            position += block.size


@pytest.mark.slow
@pytest.mark.shared
def test_long_call_in_bounded_memory(
    shared_asr_dir: Path, shared_references, whisper_cache: Path, tmp_path: Path
) -> None:
    path = tmp_path / "long_call.wav"
    _write_long_call(path, decode_audio(shared_asr_dir / CLIP, sampling_rate=RATE))
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(whisper_cache)],
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    growth_mb = (result["peak_kb"] - result["loaded_kb"]) / 1024
    print(f"peak RSS {result['peak_kb'] / 1024:.0f} MB, {growth_mb:.0f} MB above the loaded model")
    assert result["duration"] == pytest.approx(MINUTES * 60, abs=0.1)
    assert growth_mb < MAX_GROWTH_MB
    for at in SPEECH_AT_S:
        near = [s for s in result["segments"] if at - 1 <= s[0] and s[1] <= at + 8]
        text = "".join(s[2] for s in near)
        assert character_error_rate(shared_references[CLIP], text) <= 0.25, (at, result)
