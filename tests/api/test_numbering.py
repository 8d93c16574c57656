"""Readable ticket numbers: local date + daily sequence, unique under concurrent creation."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from api.db import make_engine
from api.models import Ticket
from api.numbering import allocate_number, format_number

TZ = ZoneInfo("Asia/Shanghai")


def test_format() -> None:
    assert format_number(datetime(2026, 11, 29).date(), 7) == "20261129-0007"
    assert format_number(datetime(2026, 11, 29).date(), 12345) == "20261129-12345"


def test_sequence_follows_the_local_calendar_day(db_url: str) -> None:
    engine = make_engine(db_url)
    before_midnight = datetime(2026, 11, 29, 15, 59, 59, tzinfo=UTC)  # 23:59:59 in Shijiazhuang
    after_midnight = datetime(2026, 11, 29, 16, 0, 0, tzinfo=UTC)
    with Session(engine) as session:
        got = [allocate_number(session=session, tz=TZ, now=before_midnight) for _ in range(2)]
        got.append(allocate_number(session=session, tz=TZ, now=after_midnight))
        session.commit()
    assert got == ["20261129-0001", "20261129-0002", "20261130-0001"]
    # A rolled-back allocation gives its number back: no gaps from failed creations.
    with Session(engine) as session:
        assert allocate_number(session=session, tz=TZ, now=after_midnight) == "20261130-0002"
        session.rollback()
    with Session(engine) as session:
        assert allocate_number(session=session, tz=TZ, now=after_midnight) == "20261130-0002"
    engine.dispose()


def test_concurrent_creation_gives_unique_consecutive_numbers(db_url: str) -> None:
    engine = (
        make_engine(db_url, pool_size=12, max_overflow=0)
        if db_url.startswith("postgresql")
        else make_engine(db_url)
    )
    threads, per_thread = 12, 4
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []
    now = datetime(2026, 11, 29, 4, 0, tzinfo=UTC)

    def work() -> None:
        try:
            barrier.wait(timeout=30)
            for _ in range(per_thread):
                with Session(engine) as session:
                    number = allocate_number(session=session, tz=TZ, now=now)
                    session.add(Ticket(number=number, summary="并发测试"))
                    session.commit()
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    assert not errors, errors
    with Session(engine) as session:
        numbers = sorted(t.number for t in session.exec(select(Ticket)).all())
    engine.dispose()
    assert numbers == [f"20261129-{i:04d}" for i in range(1, threads * per_thread + 1)]


def test_unique_index_is_the_last_line_of_defence(db_url: str) -> None:
    engine = make_engine(db_url)
    with Session(engine) as session:
        session.add(Ticket(number="20261129-0001", summary="a"))
        session.commit()
        session.add(Ticket(number="20261129-0001", summary="b"))
        with pytest.raises(IntegrityError):
            session.commit()
    engine.dispose()
