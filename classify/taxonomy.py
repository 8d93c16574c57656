"""The hotline taxonomy: categories, sub-categories, departments and time limits.

The taxonomy lives in ``data/taxonomy.yaml``. :meth:`Taxonomy.load` reads and validates it;
lookups take a sub-category code such as ``environment.garbage``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

logger = logging.getLogger(__name__)

DEFAULT_TAXONOMY_PATH = Path(__file__).resolve().parents[1] / "data" / "taxonomy.yaml"


class TaxonomyError(ValueError):
    """The taxonomy file is missing, malformed or inconsistent."""


class UnknownCodeError(TaxonomyError):
    """A category or sub-category code that the taxonomy does not define."""


@dataclass(frozen=True)
class Department:
    """A department that handles tickets.

    Attributes:
        key: Short identifier used in the taxonomy file, e.g. ``urban``.
        name: Full Chinese name, e.g. ``市城市管理局``.
        aliases: Other names callers and operators use for it.
    """

    key: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class SubCategory:
    """A sub-category: what a ticket is about, who handles it and how fast.

    Attributes:
        code: Stable identifier ``<top>.<sub>``, e.g. ``environment.garbage``.
        label: Chinese label shown to operators.
        department: Key of the responsible department.
        sla_hours: Time limit for a normal ticket, in working hours.
        urgent_sla_hours: Time limit for an urgent ticket.
        keywords: Hints for operators and ASR prompts.
    """

    code: str
    label: str
    department: str
    sla_hours: float
    urgent_sla_hours: float
    keywords: tuple[str, ...] = ()

    @property
    def top(self) -> str:
        """Code of the top-level category (the part before the first dot)."""
        return self.code.split(".", 1)[0]


@dataclass(frozen=True)
class Category:
    """A top-level category and its sub-categories."""

    code: str
    label: str
    subcategories: tuple[SubCategory, ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    """The whole taxonomy, validated on construction.

    Attributes:
        departments: Departments by key.
        categories: Top-level categories in file order.
        source: Where the taxonomy was read from, if from a file.
    """

    departments: Mapping[str, Department]
    categories: tuple[Category, ...]
    source: Path | None = None
    _subs: dict[str, SubCategory] = field(init=False, repr=False, compare=False)
    _tops: dict[str, Category] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _validate(self.departments, self.categories)
        subs = {s.code: s for c in self.categories for s in c.subcategories}
        object.__setattr__(self, "_subs", subs)
        object.__setattr__(self, "_tops", {c.code: c for c in self.categories})

    @classmethod
    def load(cls, path: Path | str | None = None) -> Taxonomy:
        """Read and validate a taxonomy YAML file.

        Args:
            path: The YAML file; ``data/taxonomy.yaml`` of the project when None.

        Returns:
            The validated taxonomy.

        Raises:
            TaxonomyError: The file is missing, is not valid YAML or is inconsistent.
        """
        path = Path(path) if path is not None else DEFAULT_TAXONOMY_PATH
        if not path.is_file():
            raise TaxonomyError(f"分类体系文件不存在: {path}")
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise TaxonomyError(f"分类体系文件 {path} 不是合法的 YAML: {exc}") from exc
        try:
            return cls.from_dict(data, source=path)
        except TaxonomyError as exc:
            raise TaxonomyError(f"{path}: {exc}") from exc

    @classmethod
    def from_dict(cls, data: Any, source: Path | None = None) -> Taxonomy:
        """Build a taxonomy from the parsed YAML structure.

        Raises:
            TaxonomyError: A required field is missing or has the wrong type, or the
                taxonomy is inconsistent.
        """
        if not isinstance(data, dict):
            raise TaxonomyError("分类体系应为包含 departments 和 categories 的映射")
        raw_depts = data.get("departments")
        raw_cats = data.get("categories")
        if not isinstance(raw_depts, dict) or not raw_depts:
            raise TaxonomyError("缺少 departments（部门）定义")
        if not isinstance(raw_cats, list) or not raw_cats:
            raise TaxonomyError("缺少 categories（分类）定义")
        departments = {str(k): _parse_department(str(k), v) for k, v in raw_depts.items()}
        categories = tuple(_parse_category(c) for c in raw_cats)
        return cls(departments=departments, categories=categories, source=source)

    # -- lookups ----------------------------------------------------------------------

    @property
    def subcategory_codes(self) -> list[str]:
        """All sub-category codes in file order."""
        return list(self._subs)

    @property
    def top_codes(self) -> list[str]:
        """All top-level category codes in file order."""
        return list(self._tops)

    def iter_subcategories(self) -> Iterator[SubCategory]:
        """Yield every sub-category in file order."""
        yield from self._subs.values()

    def subcategory(self, code: str) -> SubCategory:
        """The sub-category with this code.

        Raises:
            UnknownCodeError: No such sub-category; the message lists the valid codes.
        """
        try:
            return self._subs[code]
        except KeyError:
            raise UnknownCodeError(
                f"未知的子类编码 {code!r}；可用编码: {', '.join(self._subs)}"
            ) from None

    def category(self, code: str) -> Category:
        """The top-level category with this code.

        Raises:
            UnknownCodeError: No such top-level category.
        """
        try:
            return self._tops[code]
        except KeyError:
            raise UnknownCodeError(
                f"未知的一级分类编码 {code!r}；可用编码: {', '.join(self._tops)}"
            ) from None

    def top_of(self, code: str) -> Category:
        """The top-level category a sub-category belongs to."""
        return self._tops[self.subcategory(code).top]

    def department_of(self, code: str) -> Department:
        """The department responsible for a sub-category."""
        return self.departments[self.subcategory(code).department]

    def find_department(self, name: str) -> Department | None:
        """A department by key, full name or alias; None when nothing matches."""
        name = name.strip()
        for dept in self.departments.values():
            if name in (dept.key, dept.name) or name in dept.aliases:
                return dept
        return None


def _require(raw: Mapping[str, Any], key: str, where: str) -> Any:
    value = raw.get(key)
    if value is None or value == "":
        raise TaxonomyError(f"{where} 缺少字段 {key!r}")
    return value


def _parse_department(key: str, raw: Any) -> Department:
    if not isinstance(raw, dict):
        raise TaxonomyError(f"部门 {key!r} 应为映射（含 name、aliases）")
    aliases = raw.get("aliases") or []
    if not isinstance(aliases, list):
        raise TaxonomyError(f"部门 {key!r} 的 aliases 应为列表")
    name = str(_require(raw, "name", f"部门 {key!r}"))
    return Department(key=key, name=name, aliases=tuple(str(a) for a in aliases))


def _parse_number(raw: Mapping[str, Any], key: str, where: str) -> float:
    value = _require(raw, key, where)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TaxonomyError(f"{where} 的 {key} 应为数字，实际为 {value!r}")
    return float(value)


def _parse_subcategory(raw: Any) -> SubCategory:
    if not isinstance(raw, dict):
        raise TaxonomyError(f"子类定义应为映射，实际为 {raw!r}")
    code = str(_require(raw, "code", "子类"))
    where = f"子类 {code!r}"
    keywords = raw.get("keywords") or []
    if not isinstance(keywords, list):
        raise TaxonomyError(f"{where} 的 keywords 应为列表")
    return SubCategory(
        code=code,
        label=str(_require(raw, "label", where)),
        department=str(_require(raw, "department", where)),
        sla_hours=_parse_number(raw, "sla_hours", where),
        urgent_sla_hours=_parse_number(raw, "urgent_sla_hours", where),
        keywords=tuple(str(k) for k in keywords),
    )


def _parse_category(raw: Any) -> Category:
    if not isinstance(raw, dict):
        raise TaxonomyError(f"一级分类定义应为映射，实际为 {raw!r}")
    code = str(_require(raw, "code", "一级分类"))
    subs = raw.get("subcategories")
    if not isinstance(subs, list) or not subs:
        raise TaxonomyError(f"一级分类 {code!r} 没有子类")
    return Category(
        code=code,
        label=str(_require(raw, "label", f"一级分类 {code!r}")),
        subcategories=tuple(_parse_subcategory(s) for s in subs),
    )


def _validate(departments: Mapping[str, Department], categories: tuple[Category, ...]) -> None:
    """Check the rules every taxonomy must follow; raise TaxonomyError on the first break."""
    seen: set[str] = set()
    for cat in categories:
        if "." in cat.code:
            raise TaxonomyError(f"一级分类编码 {cat.code!r} 不应包含 '.'")
        if cat.code in seen:
            raise TaxonomyError(f"编码重复: {cat.code!r}")
        seen.add(cat.code)
    for cat in categories:
        if not cat.subcategories:
            raise TaxonomyError(f"一级分类 {cat.code!r} 没有子类")
        for sub in cat.subcategories:
            _validate_subcategory(sub, cat, departments, seen)
            seen.add(sub.code)


def _validate_subcategory(
    sub: SubCategory, cat: Category, departments: Mapping[str, Department], seen: set[str]
) -> None:
    if sub.code in seen:
        raise TaxonomyError(f"编码重复: {sub.code!r}")
    prefix = f"{cat.code}."
    if not sub.code.startswith(prefix) or len(sub.code) == len(prefix):
        raise TaxonomyError(f"子类编码 {sub.code!r} 应以所属一级分类 {prefix!r} 开头")
    if sub.department not in departments:
        raise TaxonomyError(
            f"子类 {sub.code!r} 的部门 {sub.department!r} 未在 departments 中定义；"
            f"可用部门: {', '.join(departments)}"
        )
    if sub.sla_hours <= 0:
        raise TaxonomyError(f"子类 {sub.code!r} 的 sla_hours 应大于 0，实际为 {sub.sla_hours}")
    if sub.urgent_sla_hours <= 0:
        raise TaxonomyError(
            f"子类 {sub.code!r} 的 urgent_sla_hours 应大于 0，实际为 {sub.urgent_sla_hours}"
        )
    if sub.urgent_sla_hours > sub.sla_hours:
        raise TaxonomyError(
            f"子类 {sub.code!r} 的 urgent_sla_hours（{sub.urgent_sla_hours}）"
            f"不应大于 sla_hours（{sub.sla_hours}）"
        )
