"""A thin reader of ``data/taxonomy.yaml``: departments, sub-categories and their SLA hours.

``classify.taxonomy`` is the richer model used for classification; the API needs only codes,
labels, department keys and time limits, so it reads the file itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import yaml

logger = logging.getLogger(__name__)


class TaxonomyError(ValueError):
    """The taxonomy file is missing or malformed."""


@dataclass(frozen=True)
class DepartmentInfo:
    """One department: stable key, Chinese name and other names people use for it."""

    key: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class SubcategoryInfo:
    """One sub-category with the responsible department and its time limits."""

    code: str
    label: str
    top: str
    top_label: str
    department: str
    sla_hours: float
    urgent_sla_hours: float
    keywords: tuple[str, ...] = ()


@dataclass
class ApiTaxonomy:
    """Departments and sub-categories by key/code."""

    departments: dict[str, DepartmentInfo] = field(default_factory=dict)
    subcategories: dict[str, SubcategoryInfo] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> ApiTaxonomy:
        """Read the YAML file; raise ``TaxonomyError`` with the reason if it is unusable."""
        path = Path(path)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise TaxonomyError(f"无法读取分类体系文件 {path}: {exc}") from exc
        if not isinstance(raw, dict):
            raise TaxonomyError(f"分类体系文件格式错误 {path}: 顶层应为映射")
        tax = cls()
        for key, info in (raw.get("departments") or {}).items():
            tax.departments[key] = DepartmentInfo(
                key=key, name=info["name"], aliases=tuple(info.get("aliases") or ())
            )
        for cat in raw.get("categories") or []:
            for sub in cat.get("subcategories") or []:
                dept = sub["department"]
                if dept not in tax.departments:
                    raise TaxonomyError(f"子类 {sub['code']} 的承办部门 {dept} 未定义")
                sla = float(sub["sla_hours"])
                tax.subcategories[sub["code"]] = SubcategoryInfo(
                    code=sub["code"],
                    label=sub["label"],
                    top=cat["code"],
                    top_label=cat["label"],
                    department=dept,
                    sla_hours=sla,
                    urgent_sla_hours=float(sub.get("urgent_sla_hours", sla)),
                    keywords=tuple(sub.get("keywords") or ()),
                )
        logger.info(
            "taxonomy %s: %d departments, %d sub-categories",
            path,
            len(tax.departments),
            len(tax.subcategories),
        )
        return tax

    def subcategory(self, code: str) -> SubcategoryInfo | None:
        """The sub-category with this code, or ``None``."""
        return self.subcategories.get(code)

    def department_key(self, name_or_key: str) -> str | None:
        """Resolve a department key, Chinese name or alias to its key (``None`` if unknown)."""
        text = name_or_key.strip()
        if text in self.departments:
            return text
        for dept in self.departments.values():
            if text == dept.name or text in dept.aliases:
                return dept.key
        return None

    def sla_hours(self, code: str | None, *, urgent: bool) -> float | None:
        """Time limit in hours for a sub-category (``None`` when the code is unknown)."""
        sub = self.subcategories.get(code or "")
        if sub is None:
            return None
        return sub.urgent_sla_hours if urgent else sub.sla_hours
