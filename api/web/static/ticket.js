/* One work order: the recording with its transcript beside it (click a line to hear it),
 * entities marked, the classifier's suggestion, correct-and-accept in one step, dispatch,
 * visit and close, and the audit trail. */
"use strict";

const T = {
  number: document.getElementById("ticket-number").dataset.number,
  ticket: null,
  me: null,
  deptTouched: false,
  audioLoaded: false,
};

const OPERATOR_ROLES = ["operator", "supervisor", "admin"];
const SPEAKERS = { agent: "话务员", caller: "市民" };
const FIELD_LABELS = {
  category_code: "分类",
  department_key: "承办部门",
  urgent: "紧急",
  address: "地址",
  district: "区县",
  caller_phone: "来电号码",
  caller_name: "来电人",
  summary: "诉求内容",
};

const $ = (id) => document.getElementById(id);
const path = (suffix = "") => "/tickets/" + encodeURIComponent(T.number) + suffix;
const deptName = (key) => (key ? MS.data.departments[key] || key : "—");
const isOperator = () => OPERATOR_ROLES.includes(T.me.role);

function fact(label, value, id) {
  return [MS.el("dt", {}, label), MS.el("dd", { id }, value === null || value === undefined || value === "" ? "—" : value)];
}

function renderHead(t) {
  MS.clear($("ticket-badges")).append(MS.statusBadge(t.status), ...MS.badges(t));
  const due = t.due_at ? MS.fmtTime(t.due_at) + "（" + MS.dueText(t.due_at) + "）" : "—";
  MS.clear($("ticket-facts")).append(
    ...fact("分类", t.category_label || "未分类", "fact-category"),
    ...fact("承办部门", t.department_name, "fact-department"),
    ...fact("来电时间", MS.fmtTime(t.created_at)),
    ...fact("办理时限", ["resolved", "visited", "closed"].includes(t.status) ? "已答复 " + MS.fmtTime(t.resolved_at) : due),
    ...fact("渠道", MS.data.channels[t.channel] || t.channel),
    ...fact("来电人", t.caller_name),
    ...fact("来电号码", t.caller_phone),
    ...fact("地址", MS.placeOf(t)),
  );
  $("back-link").href = T.me.role === "department" ? "/ui/department" : "/ui/queue";
}

/* ---- recording and transcript ---- */

function entitiesOf(t) {
  const e = t.entities || {};
  return {
    phones: [...(e.phones || []), t.caller_phone].filter(Boolean),
    names: [...(e.names || []), t.caller_name].filter(Boolean),
    addresses: [...(e.addresses || []), t.address].filter(Boolean),
  };
}

function renderTranscript(t) {
  const list = MS.clear($("transcript"));
  const tr = t.transcript;
  const ents = entitiesOf(t);
  if (!tr || (!tr.segments.length && !tr.text)) {
    list.append(MS.el("li", { class: "muted" }, t.summary || "（无文字记录）"));
    return;
  }
  const segments = tr.segments.length ? tr.segments : [{ start: 0, end: 0, text: tr.text, speaker: "" }];
  segments.forEach((seg, i) => {
    const who = SPEAKERS[seg.speaker] || "说话人";
    const item = MS.el("li", {
      class: "seg seg-" + (seg.speaker || "unknown"),
      tabindex: "0",
      role: "button",
      title: "从 " + MS.fmtClock(seg.start) + " 开始播放",
      dataset: { start: String(seg.start), end: String(seg.end), index: String(i) },
      onclick: () => seek(seg.start),
      onkeydown: (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); seek(seg.start); } },
    },
    MS.el("span", { class: "seg-meta" },
      MS.el("span", { class: "speaker-tag speaker-" + (seg.speaker || "unknown") }, who),
      MS.el("span", { class: "seg-time mono" }, MS.fmtClock(seg.start))),
    MS.el("span", { class: "seg-text" }, Highlight.render(seg.text, ents)));
    list.append(item);
  });
}

function renderEntities(t) {
  const e = t.entities || {};
  const groups = [["电话", "phone", e.phones], ["地址", "address", e.addresses], ["姓名", "name", e.names], ["证件号", "id", e.id_numbers]];
  const box = MS.clear($("entities"));
  const found = groups.filter(([, , values]) => values && values.length);
  if (!found.length) return;
  box.append(MS.el("h3", {}, "识别出的信息"));
  const dl = MS.el("dl", { class: "facts" });
  for (const [label, kind, values] of found) {
    dl.append(MS.el("dt", {}, label), MS.el("dd", {}, values.map((v) => MS.el("mark", { class: "ent ent-" + kind }, v))));
  }
  box.append(dl);
}

async function loadAudio(t) {
  const audio = $("player");
  const status = $("player-status");
  if (T.audioLoaded) return;
  T.audioLoaded = true;
  if (!t.call_id || t.channel !== "phone") {
    $("player-box").hidden = true;
    return;
  }
  audio.addEventListener("error", () => {
    const err = audio.error;
    status.textContent = "录音无法播放" + (err ? "（错误 " + err.code + (err.message ? "：" + err.message : "") + "）" : "");
    status.classList.add("error");
  });
  audio.addEventListener("loadedmetadata", () => {
    status.textContent = "录音时长 " + MS.fmtClock(audio.duration);
  });
  audio.addEventListener("timeupdate", followPlayback);
  try {
    status.textContent = "正在载入录音…";
    const resp = await MS.api(path("/recording"), { raw: true });
    const blob = await resp.blob();
    audio.src = URL.createObjectURL(blob);
  } catch (e) {
    status.textContent = e.status === 404 ? e.message : "录音载入失败：" + e.message;
  }
}

function seek(seconds) {
  const audio = $("player");
  if (!audio.src) return;
  audio.currentTime = seconds;
  const played = audio.play();
  if (played) played.catch(() => { /* autoplay refused: the position is still set */ });
  followPlayback();
}

function followPlayback() {
  const now = $("player").currentTime;
  document.querySelectorAll("#transcript .seg").forEach((li) => {
    const on = now >= Number(li.dataset.start) && now < Number(li.dataset.end);
    if (on && !li.classList.contains("playing")) li.scrollIntoView({ block: "nearest" });
    li.classList.toggle("playing", on);
  });
}

/* ---- suggestion ---- */

function confidenceBar(score) {
  const pct = Math.round((score || 0) * 100);
  const bar = MS.el("span", { class: "meter-fill" });
  bar.style.width = pct + "%";
  return MS.el("span", { class: "meter", title: "置信度 " + pct + "%" }, bar);
}

function renderSuggestion(t) {
  const box = MS.clear($("suggestion"));
  if (!t.suggested_code) {
    box.append(MS.el("p", { class: "muted" }, "没有系统建议（人工录入或未能分类）。"));
    return;
  }
  const pct = Math.round((t.suggested_confidence || 0) * 100);
  box.append(MS.el("div", { class: "suggest-main", id: "suggested" },
    MS.el("strong", {}, MS.categoryLabel(t.suggested_code)),
    MS.el("span", { class: "muted small" }, " → " + deptName(t.suggested_department)),
    MS.el("div", { class: "meter-row" }, confidenceBar(t.suggested_confidence), MS.el("span", { id: "suggested-confidence" }, pct + "%"))));
  if (t.needs_review) box.append(MS.el("p", { class: "note" }, "置信度不高，请重点核对分类。"));
  if (t.category_code && t.category_code !== t.suggested_code) {
    box.append(MS.el("p", { class: "note" }, "已改为：" + (t.category_label || t.category_code)));
  }
  const alts = (t.suggested_alternatives || []).filter((a) => a.code);
  if (alts.length) {
    const list = MS.el("ul", { class: "alts", id: "alternatives" });
    for (const alt of alts) {
      const canUse = isOperator() && ["draft", "accepted"].includes(t.status);
      list.append(MS.el("li", { dataset: { code: alt.code } },
        MS.el("span", {}, alt.label || MS.categoryLabel(alt.code)),
        MS.el("span", { class: "muted small" }, " " + Math.round((alt.score || 0) * 100) + "%"),
        canUse ? MS.el("button", { type: "button", class: "btn btn-small", onclick: () => useCategory(alt.code) }, "改用") : null));
    }
    box.append(MS.el("h3", {}, "其他可能"), list);
  }
  if ((t.urgency_reasons || []).length) {
    box.append(MS.el("p", { class: "small" }, "紧急原因：" + t.urgency_reasons.join("、")));
  }
  if (t.model_version) box.append(MS.el("p", { class: "muted small" }, "模型版本 " + t.model_version));
}

function useCategory(code) {
  $("f-category").value = code;
  onCategoryChange();
  $("f-category").focus();
}

/* ---- correct, accept, dispatch ---- */

function fillForm(t) {
  const cat = MS.clear($("f-category"));
  if (!t.category_code) cat.append(MS.el("option", { value: "" }, "（请选择分类）"));
  MS.fillCategories(cat);
  cat.value = t.category_code || "";
  const dept = MS.clear($("f-department"));
  if (!t.department_key) dept.append(MS.el("option", { value: "" }, "（请选择部门）"));
  for (const [key, name] of Object.entries(MS.data.departments)) dept.append(MS.el("option", { value: key }, name));
  dept.value = t.department_key || "";
  $("f-urgent").checked = !!t.urgent;
  $("f-address").value = t.address || "";
  $("f-phone").value = t.caller_phone || "";
  $("f-name").value = t.caller_name || "";
  $("f-reason").value = "";
  T.deptTouched = false;
}

function onCategoryChange() {
  const sub = MS.subcategory($("f-category").value);
  if (sub && !T.deptTouched) $("f-department").value = sub.department;
}

/* The fields the operator changed, as a TicketUpdate body ({} when nothing changed). */
function changes() {
  const t = T.ticket;
  const out = {};
  const code = $("f-category").value;
  if (code && code !== t.category_code) out.category_code = code;
  const dept = $("f-department").value;
  const impliedDept = out.category_code ? MS.subcategory(code).department : t.department_key;
  if (dept && dept !== impliedDept) out.department_key = dept;
  if ($("f-urgent").checked !== !!t.urgent) out.urgent = $("f-urgent").checked;
  for (const [field, id] of [["address", "f-address"], ["caller_phone", "f-phone"], ["caller_name", "f-name"]]) {
    const value = $(id).value.trim();
    if (value !== (t[field] || "")) out[field] = value || null;
  }
  const reason = $("f-reason").value.trim();
  if (Object.keys(out).length && reason) out.reason = reason;
  return out;
}

async function act(label, fn) {
  const buttons = document.querySelectorAll("button[data-action]");
  buttons.forEach((b) => { b.disabled = true; });
  try {
    await fn();
    MS.flash(label);
    await reload();
  } catch (e) {
    MS.flash(e.message, "error");
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

function accept(thenDispatch) {
  const body = changes();
  const label = thenDispatch ? "已受理并派单" : "已受理";
  return act(label, async () => {
    const opts = { method: "POST" };
    if (Object.keys(body).length) opts.json = body;
    await MS.api(path("/accept"), opts);
    if (thenDispatch) await MS.api(path("/dispatch"), { method: "POST" });
  });
}

function save() {
  const body = changes();
  if (!Object.keys(body).length) return MS.flash("没有需要保存的修改", "error");
  return act("修改已保存", () => MS.api(path(), { method: "PATCH", json: body }));
}

function dispatch() {
  const body = changes();
  return act("已派单", async () => {
    if (Object.keys(body).length) await MS.api(path(), { method: "PATCH", json: body });
    await MS.api(path("/dispatch"), { method: "POST" });
  });
}

function visit() {
  return act("回访已记录", () => MS.api(path("/visit"), {
    method: "POST",
    json: { satisfaction: Number($("v-satisfaction").value), comment: $("v-comment").value.trim() || null },
  }));
}

function renderActions(t) {
  const can = (a) => isOperator() && (t.allowed_actions || []).includes(a);
  const editable = isOperator() && ["draft", "accepted"].includes(t.status);
  $("decision-panel").hidden = !editable;
  if (editable) {
    fillForm(t);
    $("decision-title").textContent = t.status === "draft" ? "核对与受理" : "修改与派单";
    $("btn-accept").hidden = !can("accept");
    $("btn-accept-dispatch").hidden = !can("accept");
    $("btn-save").hidden = t.status !== "accepted";
    $("btn-dispatch").hidden = !can("dispatch");
  }
  $("visit-panel").hidden = !can("visit");
  $("close-panel").hidden = !can("close") && !can("reopen");
  $("btn-close").hidden = !can("close");
  $("btn-reopen").hidden = !can("reopen");
  $("reply-panel").hidden = !t.reply;
  $("reply-text").textContent = t.reply || "";
  if (t.satisfaction) $("reply-text").append(MS.el("span", { class: "muted small block" }, "回访满意度 " + t.satisfaction + " 分"));
}

/* ---- history ---- */

function fmtValue(field, value) {
  if (value === null || value === undefined || value === "") return "空";
  if (field === "category_code") return MS.categoryLabel(value);
  if (field === "department_key") return deptName(value);
  if (typeof value === "boolean") return value ? "是" : "否";
  return String(value);
}

function eventDetails(ev) {
  const d = ev.detail || {};
  const lines = [];
  for (const [field, pair] of Object.entries(d.changes || {})) {
    lines.push((FIELD_LABELS[field] || field) + "：" + fmtValue(field, pair[0]) + " → " + fmtValue(field, pair[1]));
  }
  if (ev.action === "dispatch" && d.department_key) lines.push("派往 " + deptName(d.department_key));
  if (ev.action === "resolve" && d.reply) lines.push("答复：" + d.reply);
  if (d.satisfaction) lines.push("满意度 " + d.satisfaction + " 分");
  if (d.into) lines.push("合并到 " + d.into);
  if (ev.reason) lines.push("说明：" + ev.reason);
  return lines;
}

async function renderHistory() {
  const events = await MS.api(path("/audit"));
  const list = MS.clear($("history"));
  for (const ev of events.slice().reverse()) {
    const moved = ev.from_status && ev.to_status && ev.from_status !== ev.to_status
      ? MS.data.statuses[ev.from_status] + " → " + MS.data.statuses[ev.to_status] : "";
    list.append(MS.el("li", { dataset: { action: ev.action } },
      MS.el("div", { class: "tl-head" },
        MS.el("strong", {}, MS.data.actions[ev.action] || ev.action),
        MS.el("span", { class: "muted small" }, " " + MS.fmtTime(ev.created_at) + " · " + (ev.actor === "system" ? "系统" : ev.actor)),
        moved ? MS.el("span", { class: "small" }, " " + moved) : null),
      eventDetails(ev).map((line) => MS.el("div", { class: "small tl-line" }, line))));
  }
}

async function reload() {
  const t = await MS.api(path());
  T.ticket = t;
  renderHead(t);
  renderTranscript(t);
  renderEntities(t);
  renderSuggestion(t);
  renderActions(t);
  $("ticket-body").hidden = false;
  await Promise.all([loadAudio(t), renderHistory()]);
}

MS.start(async (me) => {
  T.me = me;
  $("f-category").addEventListener("change", onCategoryChange);
  $("f-department").addEventListener("change", () => { T.deptTouched = true; });
  $("btn-accept").addEventListener("click", () => accept(false));
  $("btn-accept-dispatch").addEventListener("click", () => accept(true));
  $("btn-save").addEventListener("click", save);
  $("btn-dispatch").addEventListener("click", dispatch);
  $("btn-visit").addEventListener("click", visit);
  $("btn-close").addEventListener("click", () => act("已归档", () => MS.api(path("/close"), { method: "POST" })));
  $("btn-reopen").addEventListener("click", () => act("已重新派单", () => MS.api(path("/reopen"), { method: "POST" })));
  try {
    await reload();
  } catch (e) {
    $("ticket-error").textContent = e.message;
    $("ticket-error").hidden = false;
  }
});
