"""Hostile-input hardening found by fuzzing (``tests/security``): out-of-range values answer
422 instead of 500, and the OpenAPI schema describes the error body the service really sends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, StatementError

logger = logging.getLogger(__name__)

OUT_OF_RANGE = "请求参数超出允许范围（日期、数字过大或过小）"

# What every 422 really looks like: a Chinese reason, and the field errors when the request
# did not match the schema (see ``api.main._add_error_handlers``).
ERROR_BODY_SCHEMA: dict[str, Any] = {
    "title": "HTTPValidationError",
    "type": "object",
    "properties": {
        "detail": {"type": "string", "title": "Detail", "description": "原因（中文）"},
        "errors": {
            "type": "array",
            "title": "Errors",
            "items": {"$ref": "#/components/schemas/ValidationError"},
        },
    },
    "required": ["detail"],
}


def install_hardening(app: FastAPI) -> None:
    """Add the out-of-range handlers and the true error schema to ``app``."""

    @app.exception_handler(OverflowError)
    async def overflow(_request: Request, exc: OverflowError) -> JSONResponse:
        # A date before year 1 or after 9999, an integer beyond 64 bits: the client's input.
        logger.info("out-of-range input: %s", exc)
        return JSONResponse(status_code=422, content={"detail": OUT_OF_RANGE})

    @app.exception_handler(StatementError)
    async def bad_parameter(_request: Request, exc: StatementError) -> JSONResponse:
        if isinstance(exc, DataError) or isinstance(exc.orig, OverflowError):
            logger.info("database refused a parameter: %s", exc.orig)
            return JSONResponse(status_code=422, content={"detail": OUT_OF_RANGE})
        raise exc

    app.openapi = _with_error_schema(app.openapi)  # type: ignore[method-assign]


def _with_error_schema(build: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    def openapi() -> dict[str, Any]:
        schema = build()
        components = schema.get("components", {}).get("schemas", {})
        if "HTTPValidationError" in components:
            components["HTTPValidationError"] = ERROR_BODY_SCHEMA
        return schema

    return openapi
