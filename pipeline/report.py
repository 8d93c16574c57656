"""Human-readable Chinese summaries of drafts for the terminal."""

from __future__ import annotations

from pipeline.draft import TicketDraft


def draft_summary(draft: TicketDraft) -> str:
    """A short Chinese summary of one draft work order."""
    lines = [f"== 工单草稿：{draft.source} =="]
    if not draft.has_speech:
        lines.append("未检测到语音，不生成工单。")
        return "\n".join(lines)
    p = draft.prediction
    if p is not None:
        lines.append(f"分类：{p.label}（{p.code}，置信度 {p.confidence:.0%}）")
        lines.append(f"承办部门：{p.department}")
        if p.alternatives:
            alts = "、".join(f"{a.label} {a.score:.0%}" for a in p.alternatives)
            lines.append(f"备选分类：{alts}")
        if p.needs_review:
            lines.append("⚠ 需要人工复核")
    reasons = "、".join(draft.urgency_reasons)
    lines.append(f"紧急：是（{reasons}）" if draft.urgent else "紧急：否")
    e = draft.entities
    lines.append("联系电话：" + ("、".join(e.phones) or "未识别"))
    lines.append("地址：" + ("、".join(e.addresses) or "未识别"))
    if e.names:
        lines.append("来电人：" + "、".join(e.names))
    if e.id_numbers:
        lines.append("身份证号：" + "、".join(e.id_numbers))
    if draft.keywords:
        lines.append("关键词：" + "、".join(draft.keywords))
    lines.append(f"时长：{draft.transcript.duration:.1f} 秒")
    lines.append("通话内容：")
    for s in draft.transcript.segments:
        who = {"agent": "话务员", "caller": "市民"}.get(s.speaker, "")
        prefix = f"[{s.start:6.1f}s] " + (f"{who}：" if who else "")
        lines.append("  " + prefix + s.text)
    return "\n".join(lines)
