/* Operators' queue: drafts, urgent first then by due time; filters kept in the URL;
 * j/k to move, Enter to open; upload a recording and follow its job to the draft. */
"use strict";

const Queue = {
  rows: [],
  selected: -1,
};

function filterValues() {
  return {
    status: document.getElementById("filter-status").value,
    category: document.getElementById("filter-category").value,
    district: document.getElementById("filter-district").value,
  };
}

function restoreFilters() {
  const params = new URLSearchParams(location.search);
  for (const name of ["status", "category", "district"]) {
    const select = document.getElementById("filter-" + name);
    if (params.has(name)) select.value = params.get(name);
  }
}

function keepFiltersInUrl(values) {
  const url = location.pathname + MS.query(values);
  history.replaceState(null, "", url);
}

function ticketRow(t, index) {
  const tr = MS.el("tr", {
    class: "queue-row" + (t.urgent ? " is-urgent" : "") + (t.overdue ? " is-overdue" : ""),
    tabindex: "-1",
    dataset: { number: t.number, index: String(index) },
    onclick: () => select(index),
    ondblclick: () => open(index),
  },
  MS.el("td", {}, MS.el("a", { href: "/ui/tickets/" + encodeURIComponent(t.number), class: "mono" }, t.number)),
  MS.el("td", {}, MS.el("div", { class: "badges" }, MS.badges(t), t.status !== "draft" ? MS.statusBadge(t.status) : null)),
  MS.el("td", {}, t.category_label || "未分类",
    t.suggested_confidence != null ? MS.el("span", { class: "muted small" }, " " + Math.round(t.suggested_confidence * 100) + "%") : null),
  MS.el("td", { class: "clip", title: MS.placeOf(t) }, MS.placeOf(t)),
  MS.el("td", { class: "muted small" }, MS.fmtTime(t.created_at)),
  MS.el("td", { class: t.overdue ? "due overdue" : "due" }, MS.dueText(t.due_at)));
  return tr;
}

function select(index) {
  const rows = document.querySelectorAll("#queue-rows tr");
  if (rows.length === 0) return;
  Queue.selected = Math.max(0, Math.min(index, rows.length - 1));
  rows.forEach((r, i) => {
    r.classList.toggle("selected", i === Queue.selected);
    r.setAttribute("aria-selected", i === Queue.selected ? "true" : "false");
  });
  const row = rows[Queue.selected];
  row.focus({ preventScroll: true });
  row.scrollIntoView({ block: "nearest" });
}

function open(index) {
  const t = Queue.rows[index];
  if (t) location.assign("/ui/tickets/" + encodeURIComponent(t.number));
}

async function load() {
  const values = filterValues();
  keepFiltersInUrl(values);
  const page = await MS.api("/tickets", {
    params: { ...values, order: "urgency", limit: 200 },
  });
  Queue.rows = page.items;
  const body = MS.clear(document.getElementById("queue-rows"));
  page.items.forEach((t, i) => body.append(ticketRow(t, i)));
  document.getElementById("queue-empty").hidden = page.items.length > 0;
  document.getElementById("queue-count").textContent =
    "共 " + page.total + " 件" + (page.total > page.items.length ? "，显示前 " + page.items.length + " 件" : "");
  if (page.items.length) select(Math.min(Math.max(Queue.selected, 0), page.items.length - 1));
  else Queue.selected = -1;
}

function onKey(event) {
  if (MS.isTyping(event) || event.ctrlKey || event.metaKey || event.altKey) return;
  const key = event.key;
  if (key === "j" || key === "ArrowDown") {
    select(Queue.selected + 1);
  } else if (key === "k" || key === "ArrowUp") {
    select(Queue.selected - 1);
  } else if (key === "Enter" || key === "o") {
    if (Queue.selected < 0) return;
    open(Queue.selected);
  } else if (key === "/") {
    document.getElementById("filter-status").focus();
  } else if (key === "r") {
    load();
  } else {
    return;
  }
  event.preventDefault();
}

async function followJob(job, status) {
  for (let i = 0; i < 600; i++) {
    if (job.status === "done" || job.status === "failed") break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    job = await MS.api("/jobs/" + job.id);
    status.textContent = "正在识别录音…（" + (job.status === "running" ? "识别中" : "排队中") + "）";
  }
  MS.clear(status);
  if (job.status === "failed") {
    status.append("识别失败：" + (job.error || "未知原因"));
  } else if (job.ticket_no) {
    await load();
    status.append("已生成草稿 ", MS.el("a", { href: "/ui/tickets/" + job.ticket_no, id: "upload-ticket-link" }, job.ticket_no));
  } else {
    status.append("录音中没有识别到说话内容，未生成工单。");
  }
}

async function upload(event) {
  event.preventDefault();
  const status = document.getElementById("upload-status");
  const button = document.getElementById("upload-submit");
  const form = new FormData();
  const file = document.getElementById("upload-file").files[0];
  if (!file) return;
  form.append("file", file);
  for (const [field, id] of [["caller_phone", "upload-phone"], ["caller_name", "upload-name"]]) {
    const value = document.getElementById(id).value.trim();
    if (value) form.append(field, value);
  }
  button.disabled = true;
  status.textContent = "正在上传…";
  try {
    const job = await MS.api("/calls", { method: "POST", form });
    status.textContent = "已上传，正在识别录音…";
    await followJob(job, status);
    document.getElementById("upload-form").reset();
    document.getElementById("upload-file-name").textContent = "未选择文件";
  } catch (e) {
    MS.clear(status);
    status.append(e.message);
    if (e.status === 409 && e.payload && e.payload.ticket_no) {
      status.append("：", MS.el("a", { href: "/ui/tickets/" + e.payload.ticket_no }, e.payload.ticket_no));
    }
  } finally {
    button.disabled = false;
  }
}

MS.start(async () => {
  MS.fillCategories(document.getElementById("filter-category"), { topLevel: true });
  const districts = document.getElementById("filter-district");
  MS.data.districts.forEach((d) => districts.append(MS.el("option", { value: d }, d)));
  restoreFilters();
  document.getElementById("queue-filters").addEventListener("change", load);
  document.getElementById("queue-filters").addEventListener("submit", (e) => { e.preventDefault(); load(); });
  document.getElementById("queue-refresh").addEventListener("click", load);
  document.getElementById("upload-form").addEventListener("submit", upload);
  document.getElementById("upload-file").addEventListener("change", (e) => {
    const file = e.target.files[0];
    document.getElementById("upload-file-name").textContent = file ? file.name : "未选择文件";
  });
  document.addEventListener("keydown", onKey);
  await load();
});
