"""Reading long recordings piece by piece, so memory does not grow with the call's length.

:func:`iter_windows` decodes a recording with PyAV frame by frame (resampled to 16 kHz like
:func:`asr.audio.decode_audio`) and hands out *windows* of at most ``window_s`` seconds
(``TranscribeOptions.window_s``, 5 minutes by default). A window ends in a pause: the last
``search_s`` seconds before the limit are run through the Silero VAD and the window is cut in
the middle of the longest stretch in which no channel has speech, so no word is split between
two windows. Only one window (plus one decoded block) is held in memory at a time: about 20 MB
per channel for 5 minutes, instead of about 230 MB per channel per hour of audio (and several
times that inside the VAD and the feature extractor) when a whole call is decoded at once.

Measured (Whisper base, int8, a mostly silent 8 kHz mono WAV with two utterances): peak RSS
562 MB for 20 minutes with 5-minute windows, 691 MB for 60 minutes with 10-minute windows
(the same as for 20), against 602 MB (20 min) and 1,092 MB (60 min) for one window.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from faster_whisper.vad import VadOptions, get_speech_timestamps

from asr.audio import SAMPLE_RATE, count_channels, decode_error
from asr.errors import AudioError

logger = logging.getLogger(__name__)

BLOCK_S = 30.0
"""Seconds of audio decoded at a time."""
_GROUP_SAMPLES = 500_000  # frames are resampled in groups, as faster-whisper does
_CUT_MIN_SILENCE_MS = 300
_ENERGY_FRAME = SAMPLE_RATE // 10


@dataclass
class Window:
    """A stretch of a recording.

    Attributes:
        offset: Start, in samples at 16 kHz, from the beginning of the recording.
        samples: ``(channels, n)`` float32 array in [-1, 1].
        last: True for the final window.
    """

    offset: int
    samples: np.ndarray
    last: bool

    @property
    def start_s(self) -> float:
        """Start in seconds."""
        return self.offset / SAMPLE_RATE


def _valid_frames(frames: Iterator[av.AudioFrame]) -> Iterator[av.AudioFrame]:
    """Skip frames the decoder rejects (damaged packets inside an otherwise good file)."""
    while True:
        try:
            yield next(frames)
        except StopIteration:
            return
        except av.error.InvalidDataError:
            continue


def _grouped(frames: Iterable[av.AudioFrame]) -> Iterator[av.AudioFrame | None]:
    fifo = av.audio.fifo.AudioFifo()
    for frame in frames:
        frame.pts = None  # the FIFO checks timestamps; decoded ones may jump
        fifo.write(frame)
        if fifo.samples >= _GROUP_SAMPLES:
            yield fifo.read()
    if fifo.samples > 0:
        yield fifo.read()


def iter_blocks(
    path: str | Path, *, stereo: bool, block_s: float = BLOCK_S
) -> Iterator[np.ndarray]:
    """Decode ``path`` to 16 kHz float32 blocks of ``block_s`` seconds (the last may be shorter).

    Args:
        path: The recording.
        stereo: Keep left and right apart (a mono file gives two equal channels); otherwise
            down-mix to mono.
        block_s: Block length in seconds.

    Yields:
        ``(channels, n)`` arrays, ``channels`` being 2 or 1.

    Raises:
        AudioError: The file is missing, empty, corrupt, not audio, or holds no samples.
    """
    path = Path(path)
    count_channels(path)  # clear messages for missing, empty and non-audio files
    channels, block = (2 if stereo else 1), int(block_s * SAMPLE_RATE)
    pending: list[np.ndarray] = []
    pending_n = total = 0
    resampler = av.audio.resampler.AudioResampler(
        format="s16", layout="stereo" if stereo else "mono", rate=SAMPLE_RATE
    )
    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            groups = _grouped(_valid_frames(container.decode(audio=0)))
            for frame in itertools.chain(groups, [None]):
                for out in resampler.resample(frame):
                    data = out.to_ndarray().reshape(-1, channels).T  # interleaved s16
                    pending.append(data.astype(np.float32) / 32768.0)
                    pending_n += data.shape[1]
                    while pending_n >= block:
                        joined = np.concatenate(pending, axis=1)
                        yield joined[:, :block]
                        total += block
                        pending, pending_n = [joined[:, block:]], joined.shape[1] - block
    except (av.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise decode_error(path, exc) from exc
    if pending_n:
        yield np.concatenate(pending, axis=1)
    elif total == 0:
        raise AudioError(f"音频文件 {path.name} 中没有任何声音数据 (no audio samples decoded)")


def _speech_mask(region: np.ndarray, vad: VadOptions) -> np.ndarray:
    """Per-sample True where any channel of ``region`` has speech."""
    mask = np.zeros(region.shape[1], dtype=bool)
    for channel in region:
        for chunk in get_speech_timestamps(channel, vad):
            mask[chunk["start"] : chunk["end"]] = True
    return mask


def find_cut(region: np.ndarray, vad: VadOptions) -> int:
    """Where to end a window inside ``region`` (``(channels, n)``): a pause if there is one.

    Returns:
        The middle of the longest stretch in which no channel has speech; failing that (one
        long unbroken stretch of speech) the quietest 100 ms.
    """
    vad = VadOptions(
        threshold=vad.threshold,
        min_silence_duration_ms=_CUT_MIN_SILENCE_MS,
        speech_pad_ms=min(vad.speech_pad_ms, _CUT_MIN_SILENCE_MS // 2),
    )
    silent = ~_speech_mask(region, vad)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], silent.view(np.int8), [0]))))
    starts, ends = edges[0::2], edges[1::2]
    if len(starts):
        longest = int(np.argmax(ends - starts))
        if ends[longest] - starts[longest] >= _CUT_MIN_SILENCE_MS * SAMPLE_RATE // 1000:
            return int((starts[longest] + ends[longest]) // 2)
    frames = region.shape[1] // _ENERGY_FRAME
    if frames == 0:
        return region.shape[1]
    energy = np.square(region[:, : frames * _ENERGY_FRAME]).sum(axis=0)
    quietest = int(np.argmin(energy.reshape(frames, _ENERGY_FRAME).sum(axis=1)))
    logger.warning("no pause found to cut a window; cutting in the quietest 100 ms")
    return quietest * _ENERGY_FRAME + _ENERGY_FRAME // 2


def iter_windows(
    blocks: Iterable[np.ndarray],
    *,
    window_s: float,
    search_s: float,
    vad: VadOptions | None = None,
) -> Iterator[Window]:
    """Group decoded blocks into windows of at most ``window_s`` seconds that end in pauses.

    Args:
        blocks: ``(channels, n)`` arrays in order, e.g. from :func:`iter_blocks`.
        window_s: Longest window in seconds.
        search_s: How far back from ``window_s`` to look for a pause.
        vad: Silero VAD settings used to find pauses.

    Yields:
        Consecutive windows covering every sample exactly once.
    """
    vad = vad or VadOptions()
    limit = int(window_s * SAMPLE_RATE)
    search = min(int(search_s * SAMPLE_RATE), limit - 1)
    buffer: np.ndarray | None = None
    offset = 0
    for block in blocks:
        buffer = block if buffer is None else np.concatenate((buffer, block), axis=1)
        while buffer.shape[1] > limit:
            cut = limit - search + find_cut(buffer[:, limit - search : limit], vad)
            yield Window(offset, buffer[:, :cut].copy(), last=False)
            offset += cut
            buffer = buffer[:, cut:].copy()
    if buffer is not None:
        yield Window(offset, buffer, last=True)
