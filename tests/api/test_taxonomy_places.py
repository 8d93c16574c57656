"""The API's reading of the taxonomy, and districts from addresses."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.places import district_of
from api.taxonomy import ApiTaxonomy, TaxonomyError
from tests.api.conftest import TAXONOMY


def test_real_taxonomy() -> None:
    tax = ApiTaxonomy.load(TAXONOMY)
    gas = tax.subcategory("safety.gas_leak")
    assert gas is not None and gas.department == "gas" and gas.top == "safety"
    assert tax.sla_hours("safety.gas_leak", urgent=False) == 24
    assert tax.sla_hours("safety.gas_leak", urgent=True) == 1
    assert tax.sla_hours("nope", urgent=False) is None
    assert tax.department_key("市城市管理局燃气管理处") == "gas"
    assert tax.department_key("城管") == "urban" and tax.department_key("gas") == "gas"
    assert tax.department_key("不存在的部门") is None
    # Every sub-category points at a defined department.
    assert {s.department for s in tax.subcategories.values()} <= set(tax.departments)


def test_broken_taxonomy_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "t.yaml"
    bad.write_text(
        "departments: {a: {name: 甲}}\ncategories:\n  - code: x\n    label: X\n"
        "    subcategories:\n      - {code: x.y, label: Y, department: b, sla_hours: 1}\n",
        encoding="utf-8",
    )
    with pytest.raises(TaxonomyError, match=r"x\.y"):
        ApiTaxonomy.load(bad)
    with pytest.raises(TaxonomyError):
        ApiTaxonomy.load(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    ("address", "district"),
    [
        ("石家庄市裕华区槐安东路88号", "裕华区"),
        ("河北省石家庄市井陉矿区矿市街", "井陉矿区"),
        ("高新区湘江道", "高新区"),
        ("桥西区友谊大街幸福社区", "桥西区"),
        ("正定县常山路", "正定县"),
        ("幸福小区3号楼", None),
        ("", None),
        (None, None),
    ],
)
def test_district_of(address: str | None, district: str | None) -> None:
    assert district_of(address) == district
