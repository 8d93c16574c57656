"""Plain data passed out of the speech-recognition stage."""

from __future__ import annotations

from dataclasses import dataclass, field

from asr.postprocess import join_texts


@dataclass
class Segment:
    """One stretch of recognised speech.

    Attributes:
        start: Start time in seconds from the beginning of the recording.
        end: End time in seconds.
        text: Recognised text, simplified Chinese.
        speaker: ``"agent"`` or ``"caller"`` for two-channel calls, ``""`` when unknown.
    """

    start: float
    end: float
    text: str
    speaker: str = ""


@dataclass
class Transcript:
    """The result of transcribing one recording."""

    text: str
    segments: list[Segment] = field(default_factory=list)
    language: str = "zh"
    duration: float = 0.0

    @property
    def caller_text(self) -> str:
        """Text spoken by the caller; all text when speakers are unknown.

        The caller's segments are joined as the whole call's are (a pause between two that
        carry no punctuation of their own), so one turn's last words do not run into the
        next turn's first.
        """
        if any(s.speaker == "caller" for s in self.segments):
            return join_texts(s.text for s in self.segments if s.speaker == "caller")
        return self.text

    @property
    def agent_text(self) -> str:
        """Text spoken by the agent; empty when speakers are unknown."""
        return join_texts(s.text for s in self.segments if s.speaker == "agent")
