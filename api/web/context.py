"""What every page knows before any API call: labels, categories, departments, districts.

These come from the taxonomy, the gazetteer and the lifecycle's label tables; the pages embed
them as JSON so the scripts never hard-code a label or a category.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from api.lifecycle import ACTION_LABELS, STATUS_LABELS
from api.models import CHANNEL_LABELS, ROLE_LABELS, Role
from api.taxonomy import ApiTaxonomy
from pipeline.settings import DATA_DIR

logger = logging.getLogger(__name__)

GAZETTEER_PATH = DATA_DIR / "gazetteer" / "shijiazhuang.yaml"

# Audit actions that are not lifecycle moves.
EXTRA_ACTION_LABELS = {"create": "生成草稿", "correct": "修改", "merge_in": "合并入"}

STAFF = (Role.OPERATOR, Role.DEPARTMENT, Role.SUPERVISOR, Role.ANALYST, Role.ADMIN)


@dataclass(frozen=True)
class PageSpec:
    """One page: its URL name, title and the roles that may open it (empty: anyone)."""

    name: str
    title: str
    roles: tuple[Role, ...]
    in_nav: bool = True


PAGES: dict[str, PageSpec] = {
    spec.name: spec
    for spec in (
        PageSpec("queue", "待办队列", (Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN)),
        PageSpec("department", "部门工单", (Role.DEPARTMENT, Role.SUPERVISOR, Role.ADMIN)),
        PageSpec("dashboard", "督办看板", (Role.SUPERVISOR, Role.ANALYST, Role.ADMIN)),
        PageSpec("lookup", "市民查询", ()),
        PageSpec("ticket", "工单详情", STAFF, in_nav=False),
        PageSpec("login", "登录", (), in_nav=False),
    )
}

# Where each role lands after logging in.
HOME: dict[Role, str] = {
    Role.OPERATOR: "/ui/queue",
    Role.DEPARTMENT: "/ui/department",
    Role.SUPERVISOR: "/ui/dashboard",
    Role.ANALYST: "/ui/dashboard",
    Role.ADMIN: "/ui/queue",
}


@lru_cache(maxsize=4)
def load_districts(path: Path = GAZETTEER_PATH) -> tuple[str, ...]:
    """Current district and county names of the gazetteer (empty when it cannot be read)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        logger.warning("gazetteer %s unreadable, district filter left free: %s", path, exc)
        return ()
    return tuple(
        str(d["name"])
        for d in raw.get("districts") or []
        if isinstance(d, dict) and d.get("name") and not d.get("former")
    )


def categories(taxonomy: ApiTaxonomy) -> list[dict[str, Any]]:
    """Top-level categories with their sub-categories, in taxonomy order."""
    tops: dict[str, dict[str, Any]] = {}
    for sub in taxonomy.subcategories.values():
        top = tops.setdefault(sub.top, {"code": sub.top, "label": sub.top_label, "subs": []})
        top["subs"].append(
            {
                "code": sub.code,
                "label": sub.label,
                "department": sub.department,
                "sla_hours": sub.sla_hours,
                "urgent_sla_hours": sub.urgent_sla_hours,
            }
        )
    return list(tops.values())


def page_data(taxonomy: ApiTaxonomy, timezone: str) -> dict[str, Any]:
    """The JSON every page script reads from ``#page-data``."""
    actions = {a.value: label for a, label in ACTION_LABELS.items()}
    return {
        "timezone": timezone,
        "categories": categories(taxonomy),
        "departments": {k: d.name for k, d in taxonomy.departments.items()},
        "districts": list(load_districts()),
        "statuses": {s.value: label for s, label in STATUS_LABELS.items()},
        "actions": {**actions, **EXTRA_ACTION_LABELS},
        "roles": {r.value: label for r, label in ROLE_LABELS.items()},
        "channels": {c.value: label for c, label in CHANNEL_LABELS.items()},
        "home": {r.value: url for r, url in HOME.items()},
        "pages": {
            name: [r.value for r in spec.roles] for name, spec in PAGES.items() if spec.roles
        },
    }
