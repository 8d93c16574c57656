/* A department's work orders: sign for one, reply and resolve it, or return it to the
 * hotline. Department staff see only their own department (the API enforces it);
 * supervisors and admins choose a department. */
"use strict";

const D = { me: null, rows: [], current: null };
const $ = (id) => document.getElementById(id);
const STATUS_SETS = { open: ["dispatched", "in_progress"] };

function department() {
  return D.me.role === "department" ? D.me.department_key : $("dept-select").value;
}

function statuses() {
  const v = $("dept-status").value;
  return STATUS_SETS[v] || (v ? [v] : []);
}

function row(t) {
  return MS.el("tr", {
    class: "dept-row" + (D.current && D.current.number === t.number ? " selected" : ""),
    tabindex: "0",
    dataset: { number: t.number },
    onclick: () => show(t.number),
    onkeydown: (e) => { if (e.key === "Enter") show(t.number); },
  },
  MS.el("td", { class: "mono" }, t.number),
  MS.el("td", {}, MS.el("div", { class: "badges" }, MS.badges(t))),
  MS.el("td", {}, t.category_label || "未分类"),
  MS.el("td", { class: "clip" }, MS.placeOf(t)),
  MS.el("td", { class: t.overdue ? "due overdue" : "due" }, t.resolved_at ? "已答复" : MS.dueText(t.due_at)),
  MS.el("td", {}, MS.statusBadge(t.status)));
}

async function load() {
  const params = { status: statuses(), order: "urgency", limit: 200 };
  if (D.me.role !== "department") params.department = department();
  const page = await MS.api("/tickets", { params });
  D.rows = page.items;
  const body = MS.clear($("dept-rows"));
  page.items.forEach((t) => body.append(row(t)));
  $("dept-empty").hidden = page.items.length > 0;
  $("dept-count").textContent = "共 " + page.total + " 件";
  if (D.current && !page.items.some((t) => t.number === D.current.number)) {
    // Keep showing the one just resolved, even though the filter no longer lists it.
    return;
  }
  if (!D.current && page.items.length) await show(page.items[0].number);
}

async function show(number) {
  const t = await MS.api("/tickets/" + encodeURIComponent(number));
  D.current = t;
  document.querySelectorAll("#dept-rows tr").forEach((tr) => tr.classList.toggle("selected", tr.dataset.number === number));
  $("dept-detail").hidden = false;
  $("d-number").textContent = t.number;
  MS.clear($("d-status")).append(MS.statusBadge(t.status), ...MS.badges(t));
  MS.clear($("d-facts")).append(
    MS.el("dt", {}, "分类"), MS.el("dd", {}, t.category_label || "未分类"),
    MS.el("dt", {}, "地址"), MS.el("dd", {}, MS.placeOf(t)),
    MS.el("dt", {}, "来电人"), MS.el("dd", {}, t.caller_name || "—"),
    MS.el("dt", {}, "联系电话"), MS.el("dd", {}, t.caller_phone || "—"),
    MS.el("dt", {}, "派单时间"), MS.el("dd", {}, MS.fmtTime(t.dispatched_at)),
    MS.el("dt", {}, "办理时限"), MS.el("dd", {}, MS.fmtTime(t.due_at) + "（" + MS.dueText(t.due_at) + "）"),
  );
  $("d-summary").textContent = t.summary;
  $("d-open").href = "/ui/tickets/" + encodeURIComponent(t.number);
  const acts = t.allowed_actions || [];
  const working = acts.includes("start") || acts.includes("resolve");
  $("d-actions").hidden = !working;
  $("d-start-box").hidden = !acts.includes("start");
  $("btn-resolve").textContent = acts.includes("start") ? "签收并办结答复" : "办结并答复";
  $("d-reply-view").hidden = !t.reply;
  $("d-reply-text").textContent = t.reply || "";
}

async function act(label, fn) {
  const buttons = document.querySelectorAll("#dept-detail button");
  buttons.forEach((b) => { b.disabled = true; });
  try {
    await fn();
    MS.flash(label);
    await show(D.current.number);
    await load();
  } catch (e) {
    MS.flash(e.message, "error");
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

function ticketPath(suffix) {
  return "/tickets/" + encodeURIComponent(D.current.number) + suffix;
}

async function resolve(event) {
  event.preventDefault();
  const reply = $("d-reply").value.trim();
  if (reply.length < 2) return MS.flash("请填写答复内容（至少 2 个字）", "error");
  await act("已办结，答复已发送", async () => {
    if ((D.current.allowed_actions || []).includes("start")) {
      await MS.api(ticketPath("/start"), { method: "POST" });
    }
    await MS.api(ticketPath("/resolve"), { method: "POST", json: { reply } });
    $("d-reply").value = "";
  });
}

async function giveBack(event) {
  event.preventDefault();
  const reason = $("d-return-reason").value.trim();
  if (reason.length < 2) return MS.flash("请填写退回原因（至少 2 个字）", "error");
  await act("已退回热线", async () => {
    await MS.api(ticketPath("/return"), { method: "POST", json: { reason } });
    $("d-return-reason").value = "";
  });
}

MS.start(async (me) => {
  D.me = me;
  if (me.role === "department") {
    $("dept-name").textContent = MS.data.departments[me.department_key] || me.department_key;
  } else {
    const select = $("dept-select");
    for (const [key, name] of Object.entries(MS.data.departments)) select.append(MS.el("option", { value: key }, name));
    $("dept-select-wrap").hidden = false;
    select.addEventListener("change", () => { D.current = null; $("dept-detail").hidden = true; load(); });
  }
  $("dept-status").addEventListener("change", () => { D.current = null; $("dept-detail").hidden = true; load(); });
  $("btn-start").addEventListener("click", () => act("已签收", () => MS.api(ticketPath("/start"), { method: "POST" })));
  $("reply-form").addEventListener("submit", resolve);
  $("return-form").addEventListener("submit", giveBack);
  await load();
});
