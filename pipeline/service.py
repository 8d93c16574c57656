"""Run the stages in order: recording -> transcript -> understanding -> draft work order."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from asr.types import Segment, Transcript
from classify.dispatch import dispatch_departments
from classify.entities import extract_entities
from classify.keywords import extract_keywords
from classify.taxonomy import Taxonomy
from classify.urgency import detect_urgency, model_urgency
from classify.urgency_model import UrgencyModel, trained_model
from pipeline.addresses import confirm_address
from pipeline.addresses import with_confirmed as with_confirmed_address
from pipeline.classifier import Classifier, load_classifier
from pipeline.cues import reweigh, supported_codes
from pipeline.draft import TicketDraft
from pipeline.phones import confirm_phone, with_confirmed
from pipeline.settings import Settings

if TYPE_CHECKING:
    from asr.transcribe import Transcriber

logger = logging.getLogger(__name__)


class Pipeline:
    """The whole voice-to-ticket path; models load once, lazily, and are then reused.

    Thread-safety: one Pipeline may be shared by threads for text; transcription calls are
    serialised by the caller (the API runs them in one worker thread or process).
    """

    def __init__(self, settings: Settings, classifier: Classifier | None = None) -> None:
        self.settings = settings
        self._classifier = classifier
        self._transcriber: Transcriber | None = None
        self._taxonomy: Taxonomy | None = None
        self._urgency_model: UrgencyModel | None = None

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Pipeline:
        """Assemble a pipeline from settings (the environment when ``None``)."""
        return cls(settings or Settings())

    @property
    def classifier(self) -> Classifier:
        """The category model, loaded (or trained from seed data) on first use."""
        if self._classifier is None:
            self._classifier = load_classifier(self.settings)
        return self._classifier

    @property
    def taxonomy(self) -> Taxonomy:
        """The category tree (departments, sub-categories), loaded on first use."""
        if self._taxonomy is None:
            self._taxonomy = Taxonomy.load(self.settings.taxonomy_path)
        return self._taxonomy

    @property
    def urgency_model(self) -> UrgencyModel:
        """The urgency model, trained on first use in the process (about a second)."""
        if self._urgency_model is None:
            s = self.settings
            self._urgency_model = trained_model(s.urgency_transcripts, s.urgency_scripts)
        return self._urgency_model

    @property
    def transcriber(self) -> Transcriber:
        """The Whisper model, loaded on first use."""
        if self._transcriber is None:
            from asr.options import TranscribeOptions
            from asr.transcribe import Transcriber

            s = self.settings
            options = TranscribeOptions(
                model=s.whisper_model,
                backend=s.whisper_backend,
                compute_type=s.whisper_compute_type,
                beam_size=s.whisper_beam_size,
                cpu_threads=s.whisper_cpu_threads,
            )
            self._transcriber = Transcriber(options, cache_dir=s.cache_dir / "whisper")
        return self._transcriber

    def transcribe(self, path: str | Path) -> Transcript:
        """Transcribe one recording (raises ``asr.errors.AudioError`` for bad audio)."""
        return self.transcriber.transcribe(path)

    def process_file(self, path: str | Path, source: str | None = None) -> TicketDraft:
        """Turn one recording into a draft work order."""
        transcript = self.transcribe(path)
        draft = self.understand(transcript, source=source or str(path))
        if self.settings.phone_check and draft.prediction is not None:
            check = confirm_phone(Path(path), transcript, self.transcriber.redecode)
            if check is not None:
                draft.entities.phones = with_confirmed(draft.entities.phones, check.phone)
        if self.settings.address_check and draft.prediction is not None:
            said = draft.entities.addresses
            heard = confirm_address(
                Path(path), transcript, said[0] if said else None, self.transcriber.redecode
            )
            if heard is not None:
                draft.entities.addresses = with_confirmed_address(said, heard.address)
        return draft

    def process_text(self, text: str, source: str = "text") -> TicketDraft:
        """Turn a text message (WeChat, app, web form) into a draft work order."""
        text = text.strip()
        if not text:
            from pipeline.errors import PipelineError

            raise PipelineError("留言内容为空 (empty message)")
        transcript = Transcript(text=text, segments=[Segment(0.0, 0.0, text, "caller")])
        return self.understand(transcript, source=source, heard=False)

    def understand(self, transcript: Transcript, source: str, heard: bool = True) -> TicketDraft:
        """Classify and extract from a transcript; no speech gives a draft with no prediction.

        ``heard``: the transcript is Whisper's (a call), so the urgency model, which learned
        from calls as Whisper hears them, backs the rules; a typed message has the rules alone.
        """
        text = transcript.caller_text.strip()
        if not text:
            logger.info("%s: no speech, no draft category", source)
            return TicketDraft(source=source, transcript=transcript, prediction=None)
        urgency = detect_urgency(text, whole_call=transcript.text)
        if heard and not urgency.urgent and self.settings.urgency_model:
            score = self.urgency_model.probability(text)
            if score >= self.settings.urgency_threshold:
                urgency = model_urgency(score)
        prediction = self.classifier.predict(text)
        # The agent's hand-over and the kind of danger speak for a sub-category too.
        departments = dispatch_departments(transcript.text, self.taxonomy)
        supported = supported_codes(self.taxonomy, departments, urgency.reasons)
        prediction = reweigh(prediction, supported, self.taxonomy)
        if urgency.urgent and (prediction.top != "safety" or urgency.by_model):
            # Danger outranks a routine category, and the model's word alone is a guess: an
            # operator must look at it.
            prediction.needs_review = True
        return TicketDraft(
            source=source,
            transcript=transcript,
            prediction=prediction,
            urgent=urgency.urgent,
            urgency_reasons=list(urgency.reasons),
            entities=extract_entities(text, agent_text=transcript.agent_text),
            keywords=extract_keywords(text),
        )
