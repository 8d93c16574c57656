"""Tests for reading the department an agent hands a call to."""

from __future__ import annotations

import pytest

from classify.dispatch import dispatch_departments
from classify.taxonomy import Taxonomy


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.load()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("好的任女士，我们会转交环卫部门尽快清理", {"sanitation"}),
        ("好的任女士，我们会转交环位部门尽快清理", {"sanitation"}),  # Whisper: 环位
        ("好的些女士，我们会转胶卫生建康部门协调处理", {"health"}),  # 转胶, 建康
        ("我们会转交交通艺术部门核实", {"transport"}),  # 艺术 for 运输: 交通 is enough
        ("我们马上转交生派环境部门紧急处理", {"ecology"}),  # 3 of 4 syllables
        ("好的，我们会转交市场监管部门去核查", {"market"}),
        ("我们马上联系消防紧急处理", {"fire"}),
        ("我们会转交工水部门尽快检测", {"water"}),  # 工水 sounds like 供水
        ("我们马上转交环境部门紧急处置", {"ecology"}),
        ("我们会转交环境卫生部门清运", {"sanitation"}),  # the longer name wins
        ("我们马上转生态环境部门和当地镇政府", {"ecology"}),  # 转 alone after 马上
        ("先生，我们马上转身派环境部门合当地震政府赶过去", {"ecology"}),  # as Whisper heard it
        # 立即联系消防 with 联系 heard 连续; 同时转住建部门 with 住建 heard 注进 (部门 after it)
        ("我这边立即连续消防救援合电T为宝单为过去，同时转注进部门都促处理", {"fire", "housing"}),
        # 给您转: the hand-over said for the caller (园林 heard 员领)
        ("杜大爷，我给您转员领部门，让他们派人去看看", {"garden"}),
        ("好的，我们马上转交延器部门紧急处理", {"gas"}),  # 燃气 heard 延器
    ],
)
def test_departments_named_after_a_handover(
    taxonomy: Taxonomy, text: str, expected: set[str]
) -> None:
    pytest.importorskip("pypinyin", reason="names are matched by sound")
    assert dispatch_departments(text, taxonomy) == expected


@pytest.mark.parametrize(
    "text",
    [
        "好的，我们会转交相关部门处理",  # no department named
        "物业说这事归城管管，城管又说不归他们",  # named, but not as where the call goes
        "我们马上通知公主部门紧急派人",  # 公主 is not 供热: two syllables must sound right
        "我们会转交选皮部门",  # 选皮 is too far from 审批
        "他进门转一圈就说管子漏气了",  # 转 that hands nothing over
        "我已经转了好几个部门了",
        "我们会转交研究部门处理",  # 研究 is not 应急: 部门 after a name allows one near syllable
        "您贵姓，连续电话",  # 连续 (联系) before no department
    ],
)
def test_no_department_without_a_clear_handover(taxonomy: Taxonomy, text: str) -> None:
    pytest.importorskip("pypinyin", reason="names are matched by sound")
    assert dispatch_departments(text, taxonomy) == set()
