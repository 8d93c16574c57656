"""Tests for the taxonomy loader: the shipped file's integrity and every validation rule."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from classify.taxonomy import (
    DEFAULT_TAXONOMY_PATH,
    Department,
    SubCategory,
    Taxonomy,
    TaxonomyError,
    UnknownCodeError,
)


def make_raw(**overrides: Any) -> dict[str, Any]:
    """A small valid taxonomy in the YAML structure."""
    raw: dict[str, Any] = {
        "departments": {
            "urban": {"name": "市城市管理局", "aliases": ["城管"]},
            "water": {"name": "市水务局", "aliases": []},
        },
        "categories": [
            {
                "code": "environment",
                "label": "环境保护",
                "subcategories": [
                    {
                        "code": "environment.noise",
                        "label": "噪音",
                        "department": "urban",
                        "sla_hours": 24,
                        "urgent_sla_hours": 4,
                        "keywords": ["吵"],
                    },
                ],
            },
            {
                "code": "administrative",
                "label": "行政服务",
                "subcategories": [
                    {
                        "code": "administrative.water",
                        "label": "供水",
                        "department": "water",
                        "sla_hours": 24,
                        "urgent_sla_hours": 4,
                    },
                ],
            },
        ],
    }
    raw.update(overrides)
    return raw


def sub_of(raw: dict[str, Any], i: int = 0) -> dict[str, Any]:
    return raw["categories"][i]["subcategories"][0]


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.load()


# -- the shipped taxonomy ----------------------------------------------------------------


def test_shipped_taxonomy_loads_with_three_tops(taxonomy: Taxonomy) -> None:
    assert taxonomy.source == DEFAULT_TAXONOMY_PATH
    assert taxonomy.top_codes == ["safety", "environment", "administrative"]
    assert len(taxonomy.subcategory_codes) >= 20


def test_every_subcategory_is_consistent(taxonomy: Taxonomy) -> None:
    codes = taxonomy.subcategory_codes
    assert len(codes) == len(set(codes))
    for sub in taxonomy.iter_subcategories():
        assert taxonomy.subcategory(sub.code) is sub
        assert taxonomy.top_of(sub.code).code == sub.top
        assert sub.code.startswith(sub.top + ".")
        dept = taxonomy.department_of(sub.code)
        assert isinstance(dept, Department) and dept.name
        assert 0 < sub.urgent_sla_hours <= sub.sla_hours
        assert sub.label and sub.keywords


def test_lookups_of_known_codes(taxonomy: Taxonomy) -> None:
    sub = taxonomy.subcategory("environment.garbage")
    assert isinstance(sub, SubCategory)
    assert sub.label == "垃圾清运与环境卫生"
    assert taxonomy.top_of("safety.gas_leak").label == "公共安全"
    assert taxonomy.department_of("administrative.heating").key == "heating"
    assert taxonomy.category("environment").code == "environment"


def test_find_department_by_alias_name_or_key(taxonomy: Taxonomy) -> None:
    assert taxonomy.find_department("自来水公司").key == "water"  # type: ignore[union-attr]
    assert taxonomy.find_department("市生态环境局").key == "ecology"  # type: ignore[union-attr]
    assert taxonomy.find_department("police").name == "市公安局"  # type: ignore[union-attr]
    assert taxonomy.find_department("不存在的部门") is None


def test_unknown_code_lists_valid_codes(taxonomy: Taxonomy) -> None:
    with pytest.raises(UnknownCodeError, match=r"environment\.garbage"):
        taxonomy.subcategory("environment.rubbish")
    with pytest.raises(ValueError, match="未知"):
        taxonomy.department_of("nope")
    with pytest.raises(UnknownCodeError):
        taxonomy.category("transport")


# -- loading and validation ----------------------------------------------------------------


def test_small_valid_taxonomy_round_trips_through_a_file(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(make_raw(), allow_unicode=True), encoding="utf-8")
    tax = Taxonomy.load(path)
    assert tax.subcategory_codes == ["environment.noise", "administrative.water"]
    assert tax.department_of("environment.noise").aliases == ("城管",)
    assert tax.subcategory("administrative.water").keywords == ()


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match="不存在"):
        Taxonomy.load(tmp_path / "missing.yaml")


def test_invalid_yaml_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("departments: [unclosed\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="YAML"):
        Taxonomy.load(path)


def test_error_from_file_names_the_file(tmp_path: Path) -> None:
    raw = make_raw()
    sub_of(raw)["department"] = "ghost"
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TaxonomyError, match=r"t\.yaml.*ghost"):
        Taxonomy.load(path)


def _broken(mutate: Any) -> dict[str, Any]:
    raw = copy.deepcopy(make_raw())
    mutate(raw)
    return raw


def _dup_sub(raw: dict[str, Any]) -> None:
    sub_of(raw, 1)["code"] = "environment.noise"


def _dup_sub_same_top(raw: dict[str, Any]) -> None:
    subs = raw["categories"][0]["subcategories"]
    subs.append(dict(subs[0]))


def _dup_top(raw: dict[str, Any]) -> None:
    raw["categories"][1]["code"] = "environment"
    sub_of(raw, 1)["code"] = "environment.water"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (_dup_sub, "编码重复"),
        (_dup_sub_same_top, "编码重复"),
        (_dup_top, "编码重复"),
        (lambda r: sub_of(r).update(code="safety.noise"), "应以所属一级分类"),
        (lambda r: sub_of(r).update(code="environmentnoise"), "应以所属一级分类"),
        (lambda r: sub_of(r).update(code="environment."), "应以所属一级分类"),
        (lambda r: sub_of(r).update(department="ghost"), "ghost.*未在 departments"),
        (lambda r: sub_of(r).update(sla_hours=0), "sla_hours 应大于 0"),
        (lambda r: sub_of(r).update(sla_hours=-5, urgent_sla_hours=-6), "应大于 0"),
        (lambda r: sub_of(r).update(urgent_sla_hours=0), "urgent_sla_hours 应大于 0"),
        (lambda r: sub_of(r).update(urgent_sla_hours=48), "不应大于 sla_hours"),
        (lambda r: sub_of(r).update(sla_hours="soon"), "应为数字"),
        (lambda r: sub_of(r).pop("label"), "缺少字段 'label'"),
        (lambda r: r["categories"][0].update(subcategories=[]), "没有子类"),
        (lambda r: r.pop("departments"), "departments"),
        (lambda r: r.update(categories=[]), "categories"),
        (lambda r: r["departments"].update(urban="市城市管理局"), "部门 'urban'"),
    ],
)
def test_validation_errors(mutate: Any, message: str) -> None:
    with pytest.raises(TaxonomyError, match=message):
        Taxonomy.from_dict(_broken(mutate))


def test_urgent_equal_to_normal_sla_is_allowed() -> None:
    tax = Taxonomy.from_dict(_broken(lambda r: sub_of(r).update(urgent_sla_hours=24)))
    assert tax.subcategory("environment.noise").urgent_sla_hours == 24


def test_non_mapping_document_is_rejected() -> None:
    with pytest.raises(TaxonomyError, match="映射"):
        Taxonomy.from_dict(["not", "a", "mapping"])
