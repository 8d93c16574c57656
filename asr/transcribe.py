"""Transcribing recordings with Whisper (faster-whisper or openai-whisper, see :mod:`asr.backend`).

Speaker convention for two-channel call recordings: **channel 0 (left) is the agent (接线员),
channel 1 (right) is the caller (来电人)**. Each channel is transcribed on its own and the
segments are merged in time order with ``Segment.speaker`` set to ``"agent"`` or ``"caller"``.
Each channel is cut into speaker turns first and every turn is decoded on its own
(:mod:`asr.turns`), so a segment never spans a turn of the other party and the merged order
follows the conversation.
Mono recordings, and stereo files whose two channels carry the same signal, give segments with
``speaker == ""``.

Silence and noise must give an empty transcript rather than invented text: the Silero VAD
drops non-speech before decoding, windows that Whisper itself judges silent are skipped, and
known phantom phrases and repetition loops are removed afterwards (see :mod:`asr.postprocess`).
Where Whisper's timestamps jump over speech in a mono window (a caller's address or phone
number left out), that stretch is decoded on its own (:mod:`asr.gaps`); where a segment ends
in a repetition loop, the rest of its stretch is decoded again, since Whisper writes nothing
more of it (:meth:`Transcriber._with_loop_tails`).

Long calls are read and transcribed in windows of at most ``TranscribeOptions.window_s``
seconds that end in pauses (:mod:`asr.stream`), so memory stays bounded however long the call.
Whether a stereo file's channels are identical is decided on its first window.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np

from asr.audio import SAMPLE_RATE, channels_identical, count_channels
from asr.backend import Backend, RawSegment, check_backend_name, load_backend, vad_options
from asr.gaps import fill_gaps, uncovered
from asr.options import TranscribeOptions
from asr.postprocess import clean_segment_text, drop_repeated_runs, join_texts, words_before_loop
from asr.redecode import DIGIT_VARIANTS, SPAN_PAD_S, Variant, at_speed, read_span
from asr.stream import Window, iter_blocks, iter_windows
from asr.turns import speech_spans, stereo_turns
from asr.types import Segment, Transcript

logger = logging.getLogger(__name__)

AGENT = "agent"
CALLER = "caller"
CHANNEL_SPEAKERS: tuple[str, str] = (AGENT, CALLER)
"""Speaker of channel 0 (left) and channel 1 (right) of a two-channel recording."""
_SPEAKER_ORDER = {"": 0, AGENT: 0, CALLER: 1}
CONTEXT_CHARS = 100
"""Characters of a speaker's earlier turns shown to Whisper before their next turn."""
WINDOW_SEARCH_S = 60.0
"""How far before the window limit a pause is looked for (see :mod:`asr.stream`)."""
SPEECH_CHARS_PER_S = 4.0
"""Characters a caller says per second (about 4 in the development calls): how far into a
segment the words before a repetition loop reach."""
LOOP_TAIL_MIN_S = 2.0
"""A segment ending in a repetition loop with at least this long after its words is
decoded again from there."""


class Transcriber:
    """Loads a Whisper model once and transcribes recordings with it.

    Example::

        transcriber = Transcriber(TranscribeOptions(beam_size=5))
        transcriber.transcribe("call.wav").text
    """

    def __init__(
        self, options: TranscribeOptions | None = None, *, cache_dir: Path | None = None
    ) -> None:
        """Load the model of the backend ``options.backend`` names.

        Args:
            options: Backend, model and decoding options; defaults when ``None``.
            cache_dir: Overrides ``options.cache_dir`` (where the embedded model is assembled).

        Raises:
            ModelError: Unknown backend, or the model cannot be found, assembled or loaded.
        """
        self.options = options or TranscribeOptions()
        if cache_dir is not None:
            self.options = replace(self.options, cache_dir=Path(cache_dir))
        check_backend_name(self.options.backend)
        self._backend: Backend = load_backend(self.options)

    @property
    def backend(self) -> str:
        """Name of the backend in use (``"faster-whisper"`` or ``"openai-whisper"``)."""
        return self._backend.name

    def transcribe(self, path: str | Path) -> Transcript:
        """Transcribe one recording, reading it in windows of at most ``options.window_s``.

        Args:
            path: Any audio file FFmpeg can decode.

        Returns:
            Simplified-Chinese transcript; two-channel calls have speakers set.

        Raises:
            AudioError: The file is missing, empty, corrupt or not audio.
        """
        path = Path(path)
        stereo = count_channels(path) >= 2
        segments: list[Segment] = []
        languages: list[str] = []
        split: bool | None = None if stereo else False
        samples_seen = 0
        for window in self._windows(path, stereo):
            if split is None:  # decided on the first window, so memory stays bounded
                split = not channels_identical(window.samples[0], window.samples[1])
                if not split:
                    logger.info("%s: channels are identical, treating as mono", path.name)
            segments.extend(self._transcribe_window(window, bool(split), languages))
            samples_seen = window.offset + window.samples.shape[1]
        segments.sort(key=lambda s: (s.start, _SPEAKER_ORDER[s.speaker]))
        duration = samples_seen / SAMPLE_RATE
        logger.info(
            "%s: %.1f s, %d channel(s), %d segment(s)",
            path.name,
            duration,
            2 if split else 1,
            len(segments),
        )
        return Transcript(
            text=join_texts(s.text for s in segments),
            segments=segments,
            language=self.options.language or (languages[0] if languages else ""),
            duration=round(duration, 3),
        )

    def _windows(self, path: Path, stereo: bool) -> Iterator[Window]:
        blocks = iter_blocks(path, stereo=stereo)
        search = min(WINDOW_SEARCH_S, self.options.window_s / 2)
        return iter_windows(
            blocks, window_s=self.options.window_s, search_s=search, vad=vad_options(self.options)
        )

    def _transcribe_window(
        self, window: Window, split: bool, languages: list[str]
    ) -> list[Segment]:
        if split and self.options.vad_filter:
            found = self._transcribe_turns(window.samples, languages)
        elif split:
            found = [
                segment
                for samples, speaker in zip(window.samples, CHANNEL_SPEAKERS, strict=False)
                for segment in self._transcribe_channel(samples, speaker, languages)
            ]
        else:
            found = self._transcribe_channel(window.samples[0], "", languages)
            if self.options.vad_filter:
                found = self._with_gaps_filled(window.samples[0], found, languages)
        for segment in found:
            segment.start = round(segment.start + window.start_s, 2)
            segment.end = round(segment.end + window.start_s, 2)
        return found

    def _with_gaps_filled(
        self, samples: np.ndarray, found: list[Segment], languages: list[str]
    ) -> list[Segment]:
        """``found`` with the speech Whisper skipped decoded on its own (see :mod:`asr.gaps`).

        The VAD runs again only when some stretch is uncovered (2 of 69 mono calls of the
        development sets).
        """
        if not uncovered(found, samples.size / SAMPLE_RATE):
            return found

        def decode(piece: np.ndarray, prompt: str) -> list[Segment]:
            return self._transcribe_channel(piece, "", languages, prompt or None)

        filled = fill_gaps(
            samples,
            found,
            decode,
            speech_spans(samples, self.options),
            context=lambda before: _prompt_context(s.text for s in before),
        )
        if len(filled) > len(found):
            logger.info(
                "decoded %d segment(s) in stretches Whisper skipped", len(filled) - len(found)
            )
        return filled

    def _transcribe_turns(self, samples: np.ndarray, languages: list[str]) -> list[Segment]:
        """Decode each speaker turn of a two-channel stretch on its own (see :mod:`asr.turns`).

        Each turn is prompted with the same speaker's earlier text (as
        ``condition_on_previous_text`` does within one decoding; the other party's words, tried
        as well, made Whisper base worse). Times are clamped to the turn, so no segment runs
        into the other party's turn.
        """
        left, right = stereo_turns(samples, self.options)
        turns = sorted(
            [(turn, 0) for turn in left] + [(turn, 1) for turn in right],
            key=lambda item: (item[0].start, item[1]),
        )
        found: list[Segment] = []
        for turn, channel in turns:
            piece = samples[channel, turn.start : turn.end]
            speaker = CHANNEL_SPEAKERS[channel]
            context = _prompt_context(s.text for s in found if s.speaker == speaker)
            for segment in self._transcribe_channel(piece, speaker, languages, context):
                segment.start = round(min(turn.start_s + segment.start, turn.end_s), 2)
                segment.end = round(min(turn.start_s + segment.end, turn.end_s), 2)
                found.append(segment)
        return found

    def transcribe_samples(self, samples: np.ndarray, speaker: str = "") -> list[Segment]:
        """Transcribe one channel of 16 kHz float32 samples (held in memory as a whole).

        Args:
            samples: Mono signal in [-1, 1] at 16 kHz.
            speaker: Value for ``Segment.speaker``.

        Returns:
            Cleaned, non-empty segments in time order.
        """
        return self._transcribe_channel(samples, speaker, [])

    def redecode(
        self,
        path: str | Path,
        segment: Segment,
        variants: Iterable[Variant] = DIGIT_VARIANTS,
    ) -> Iterator[tuple[str, str]]:
        """Decode the stretch of one segment again in each variant (see :mod:`asr.redecode`).

        The stretch is read from the file once; each variant is decoded only when the caller
        asks for the next result, so stopping early saves the remaining decodings.

        Args:
            path: The recording the segment came from.
            segment: A segment of its transcript; a ``caller`` or ``agent`` segment is read
                from that party's channel (right or left), any other from the mono mix.
            variants: How to decode.

        Yields:
            ``(variant name, text)`` per variant, text simplified and cleaned ("" if nothing
            was recognised).

        Raises:
            AudioError: The file is missing, empty, corrupt or not audio.
        """
        channel = None
        if segment.speaker in CHANNEL_SPEAKERS and count_channels(Path(path)) >= 2:
            channel = CHANNEL_SPEAKERS.index(segment.speaker)
        samples = read_span(path, segment.start - SPAN_PAD_S, segment.end + SPAN_PAD_S, channel)
        for variant in variants:
            piece = at_speed(samples, variant.speed)
            decoded = self._transcribe_channel(piece, segment.speaker, [], variant.prompt)
            yield variant.name, join_texts(s.text for s in decoded)

    def _transcribe_channel(
        self, samples: np.ndarray, speaker: str, languages: list[str], context: str | None = None
    ) -> list[Segment]:
        """Like :meth:`transcribe_samples`; appends the detected language to ``languages``.

        ``context``: text said just before, shown to the model as a prompt.
        """
        if samples.size < SAMPLE_RATE // 10:  # under 0.1 s: nothing to recognise
            return []
        raw, language = self._backend.transcribe(samples, context or None)
        languages.append(language)
        raw = self._with_loop_tails(samples, raw, context)
        texts = [clean_segment_text(s.text) for s in raw]
        keep = drop_repeated_runs(texts)
        return [
            Segment(start=round(s.start, 2), end=round(s.end, 2), text=text, speaker=speaker)
            for s, text, kept in zip(raw, texts, keep, strict=True)
            if kept and text
        ]

    def _with_loop_tails(
        self, samples: np.ndarray, raw: list[RawSegment], context: str | None
    ) -> list[RawSegment]:
        """``raw`` with the rest of each segment that ends in a repetition loop decoded on
        its own (see :func:`asr.postprocess.words_before_loop`): Whisper caught in a loop
        writes nothing more, so what the speaker said after the words before it (a name, a
        phone number) is lost unless the stretch after them is decoded again."""
        out: list[RawSegment] = []
        for segment in raw:
            words = words_before_loop(segment.text)
            tail_start = segment.start + (words or 0) / SPEECH_CHARS_PER_S
            if words is None or segment.end - tail_start < LOOP_TAIL_MIN_S:
                out.append(segment)
                continue
            out.append(replace(segment, end=round(tail_start, 2)))
            piece = samples[int(tail_start * SAMPLE_RATE) : int(segment.end * SAMPLE_RATE)]
            prompt = _prompt_context([context or "", segment.text[: words + 1]])
            tail, _ = self._backend.transcribe(piece, prompt or None)
            logger.info(
                "decoded %.1f s after a repetition loop (%s…) again: %d segment(s)",
                segment.end - tail_start,
                segment.text[:20],
                len(tail),
            )
            for t in tail:  # no second pass: a loop in the tail stays (and is cut later)
                out.append(
                    RawSegment(
                        round(min(tail_start + t.start, segment.end), 2),
                        round(min(tail_start + t.end, segment.end), 2),
                        t.text,
                    )
                )
        return out


def _prompt_context(texts: Iterable[str]) -> str:
    """The last CONTEXT_CHARS of ``texts`` with punctuation turned into spaces.

    Whisper base, prompted with full-width punctuation, often writes a wrong full-width
    character (２, ４, a broken byte) where a comma belongs; plain spaces avoid that.
    """
    joined = " ".join(texts)
    plain = "".join(ch if unicodedata.category(ch)[0] in "LN" else " " for ch in joined)
    return " ".join(plain.split())[-CONTEXT_CHARS:]
