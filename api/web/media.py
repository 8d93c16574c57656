"""The recording behind a work order, streamed to staff who may read the ticket."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from sqlmodel import Session

from api.crud.tickets import ensure_visible, get_ticket
from api.deps import SessionDep, StaffReader
from api.errors import NotFound
from api.models import Call, User

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/tickets", tags=["tickets"])


def recording_of(*, session: Session, number: str, user: User) -> tuple[Path, str]:
    """The stored file and content type of a ticket's recording; ``NotFound`` otherwise."""
    ticket = get_ticket(session=session, number=number)
    ensure_visible(ticket, user)
    call = session.get(Call, ticket.call_id) if ticket.call_id else None
    if call is None or not call.recording_path:
        raise NotFound(f"工单 {number} 没有来电录音")
    path = Path(call.recording_path)
    if not path.is_file():
        logger.error("recording of ticket %s missing on disk: %s", number, path)
        raise NotFound(f"工单 {number} 的录音文件已不在存储中，请联系管理员")
    return path, call.content_type or "application/octet-stream"


@router.get(
    "/{number}/recording",
    response_class=FileResponse,
    responses={200: {"content": {"audio/*": {}}, "description": "录音原文件（支持 Range）"}},
)
def read_recording(session: SessionDep, user: StaffReader, number: str) -> FileResponse:
    """The call's recording as uploaded (byte ranges supported, for seeking)."""
    path, content_type = recording_of(session=session, number=number, user=user)
    return FileResponse(
        path,
        media_type=content_type,
        filename=f"{number}{path.suffix}",
        content_disposition_type="inline",
        headers={"Cache-Control": "private, no-store"},
    )
