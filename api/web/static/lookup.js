/* Public lookup: ticket number + last four digits of the caller's phone -> the masked view.
 * Sends no token: the endpoint is public and masks personal data itself. */
"use strict";

const $ = (id) => document.getElementById(id);

function show(t) {
  $("r-number").textContent = t.number;
  MS.clear($("r-status")).append(MS.statusBadge(t.status));
  MS.clear($("r-facts")).append(
    MS.el("dt", {}, "办理状态"), MS.el("dd", { id: "r-status-label" }, t.status_label),
    MS.el("dt", {}, "诉求分类"), MS.el("dd", {}, t.category || "—"),
    MS.el("dt", {}, "承办部门"), MS.el("dd", { id: "r-department" }, t.department || "尚未派单"),
    MS.el("dt", {}, "登记时间"), MS.el("dd", {}, MS.fmtTime(t.created_at)),
    MS.el("dt", {}, "办理时限"), MS.el("dd", {}, MS.fmtTime(t.due_at)),
    MS.el("dt", {}, "答复时间"), MS.el("dd", {}, MS.fmtTime(t.resolved_at)),
  );
  $("r-summary").textContent = t.summary;
  $("r-reply").textContent = t.reply || "部门尚未答复，请耐心等待。";
  $("lookup-result").hidden = false;
}

MS.start(async () => {
  const params = new URLSearchParams(location.search);
  if (params.get("no")) $("lookup-number").value = params.get("no");
  $("lookup-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const number = $("lookup-number").value.trim();
    const last4 = $("lookup-last4").value.trim();
    $("lookup-error").hidden = true;
    $("lookup-result").hidden = true;
    if (!/^\d{4}$/.test(last4)) {
      $("lookup-error").textContent = "请输入来电号码的后四位数字";
      $("lookup-error").hidden = false;
      return;
    }
    try {
      show(await MS.api("/public/tickets/" + encodeURIComponent(number), { params: { phone_last4: last4 }, auth: false }));
    } catch (e) {
      $("lookup-error").textContent = e.message;
      $("lookup-error").hidden = false;
    }
  });
});
