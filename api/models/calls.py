"""Calls and messages as received, their transcripts and the jobs that process them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import field_validator
from sqlalchemy import String, Text
from sqlmodel import Field, SQLModel

from api.models.base import UTCDateTime, utcnow


class Channel(StrEnum):
    """Where a request came in."""

    PHONE = "phone"
    WECHAT = "wechat"
    APP = "app"
    WEB = "web"


CHANNEL_LABELS: dict[Channel, str] = {
    Channel.PHONE: "电话",
    Channel.WECHAT: "微信",
    Channel.APP: "手机应用",
    Channel.WEB: "网站",
}


class CallBase(SQLModel):
    """What is known about a call or message when it arrives."""

    channel: Channel = Field(default=Channel.PHONE, sa_type=String(16))
    caller_phone: str | None = Field(default=None, max_length=32)
    caller_name: str | None = Field(default=None, max_length=64)


class Call(CallBase, table=True):
    """One received call (a recording) or text message."""

    id: int | None = Field(default=None, primary_key=True)
    recording_path: str | None = Field(default=None, max_length=512)
    original_filename: str | None = Field(default=None, max_length=256)
    content_type: str | None = Field(default=None, max_length=64)
    # Unique for recordings (the same file twice is one call); NULL for text messages.
    content_sha256: str | None = Field(default=None, max_length=64, unique=True)
    size_bytes: int = 0
    duration: float | None = None
    message_text: str | None = Field(default=None, sa_type=Text)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CallPublic(CallBase):
    """A call as operators see it."""

    id: int
    original_filename: str | None
    content_type: str | None
    content_sha256: str | None
    size_bytes: int
    duration: float | None
    received_at: datetime


class Transcript(SQLModel, table=True):
    """The text of a call (for messages: the message itself)."""

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", unique=True)
    text: str = Field(sa_type=Text)
    language: str = Field(default="zh", max_length=8)
    duration: float = 0.0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TranscriptSegment(SQLModel, table=True):
    """One stretch of recognised speech."""

    __tablename__ = "transcript_segment"

    id: int | None = Field(default=None, primary_key=True)
    transcript_id: int = Field(foreign_key="transcript.id", index=True)
    position: int
    start: float
    end: float
    text: str = Field(sa_type=Text)
    speaker: str = Field(default="", max_length=16)


class SegmentPublic(SQLModel):
    """A segment as the API shows it."""

    start: float
    end: float
    text: str
    speaker: str


class TranscriptPublic(SQLModel):
    """A transcript with its segments."""

    text: str
    language: str
    duration: float
    segments: list[SegmentPublic]


class JobStatus(StrEnum):
    """Where an intake job stands."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class JobOutcome(StrEnum):
    """What a finished job produced."""

    TICKET = "ticket"
    NO_SPEECH = "no_speech"


class Job(SQLModel, table=True):
    """Running the pipeline on one call; failed jobs keep their error and can be retried."""

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", index=True)
    status: JobStatus = Field(default=JobStatus.QUEUED, sa_type=String(16), index=True)
    outcome: JobOutcome | None = Field(default=None, sa_type=String(16))
    error: str | None = Field(default=None, sa_type=Text)
    attempts: int = 0
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Last time a queue message was sent again for this job (lost-message recovery).
    resent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class JobPublic(SQLModel):
    """A job as the uploader polls it."""

    id: int
    call_id: int
    status: JobStatus
    outcome: JobOutcome | None
    error: str | None
    attempts: int
    ticket_no: str | None = None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class MessageCreate(SQLModel):
    """A text request from WeChat, the app or the web form."""

    channel: Channel = Channel.WECHAT
    text: str = Field(min_length=1, max_length=5000)
    caller_phone: str | None = Field(default=None, max_length=32)
    caller_name: str | None = Field(default=None, max_length=64)

    @field_validator("channel")
    @classmethod
    def _text_channel(cls, value: Channel) -> Channel:
        if value == Channel.PHONE:
            raise ValueError("文字留言的渠道只能是 wechat、app 或 web（录音请用 /calls 上传）")
        return value

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("留言内容不能为空")
        return value
