/* Shared helpers of the minsheng pages: the bearer token, API calls, role checks, DOM and
 * time formatting. Every page script calls MS.start(fn) and builds its content with
 * MS.el(), which only ever sets text (never HTML), so data from the API cannot inject markup.
 */
"use strict";

const MS = (() => {
  const TOKEN_KEY = "minsheng.token";
  const USER_KEY = "minsheng.user";
  const data = JSON.parse(document.getElementById("page-data").textContent);

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  function user() {
    const raw = sessionStorage.getItem(USER_KEY);
    return raw ? JSON.parse(raw) : null;
  }

  function saveLogin(accessToken, me) {
    sessionStorage.setItem(TOKEN_KEY, accessToken);
    sessionStorage.setItem(USER_KEY, JSON.stringify(me));
  }

  function clearLogin() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
  }

  function toLogin() {
    const next = location.pathname + location.search;
    location.assign("/ui/login?next=" + encodeURIComponent(next));
  }

  class ApiError extends Error {
    constructor(status, detail) {
      super(detail);
      this.status = status;
    }
  }

  /* Call the JSON API. opts: method, json (body), form (FormData/URLSearchParams),
   * params (query object; arrays repeat), raw (return the Response), auth (default true). */
  async function api(path, opts = {}) {
    const headers = {};
    const auth = opts.auth !== false;
    if (auth && token()) headers.Authorization = "Bearer " + token();
    let body;
    if (opts.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(opts.json);
    } else if (opts.form !== undefined) {
      body = opts.form;
    }
    const url = path + query(opts.params);
    const resp = await fetch(url, { method: opts.method || "GET", headers, body });
    if (resp.status === 401 && auth) {
      clearLogin();
      toLogin();
      throw new ApiError(401, "登录已过期，请重新登录");
    }
    if (!resp.ok) {
      let detail = "请求失败（" + resp.status + "）";
      try {
        const payload = await resp.json();
        if (payload && payload.detail) detail = typeof payload.detail === "string" ? payload.detail : detail;
        const err = new ApiError(resp.status, detail);
        err.payload = payload;
        throw err;
      } catch (e) {
        if (e instanceof ApiError) throw e;
        throw new ApiError(resp.status, detail);
      }
    }
    if (opts.raw) return resp;
    if (resp.status === 204) return null;
    return resp.json();
  }

  function query(params) {
    if (!params) return "";
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (v === undefined || v === null || v === "") continue;
      if (Array.isArray(v)) v.forEach((x) => q.append(k, x));
      else q.append(k, v);
    }
    const s = q.toString();
    return s ? "?" + s : "";
  }

  /* Create an element: el("td", {class: "x", dataset: {n: 1}, onclick: fn}, "text", child). */
  function el(tag, attrs, ...children) {
    const node = tag.includes(":")
      ? document.createElementNS("http://www.w3.org/2000/svg", tag.split(":")[1])
      : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "dataset") Object.assign(node.dataset, v);
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  const dateFmt = new Intl.DateTimeFormat("zh-CN", {
    timeZone: data.timezone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  });

  function fmtTime(iso) {
    if (!iso) return "—";
    return dateFmt.format(new Date(iso)).replace(/\//g, "-");
  }

  function fmtHours(h) {
    if (h === null || h === undefined) return "—";
    if (Math.abs(h) < 1) return Math.round(h * 60) + " 分钟";
    if (Math.abs(h) < 48) return h.toFixed(1) + " 小时";
    return (h / 24).toFixed(1) + " 天";
  }

  /* "剩 3.0 小时" / "超时 2.0 小时" relative to now. */
  function dueText(iso) {
    if (!iso) return "—";
    const hours = (new Date(iso).getTime() - Date.now()) / 3600000;
    return hours >= 0 ? "剩 " + fmtHours(hours) : "超时 " + fmtHours(-hours);
  }

  function fmtClock(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    return String(Math.floor(s / 60)).padStart(2, "0") + ":" + String(s % 60).padStart(2, "0");
  }

  function statusBadge(status) {
    return el("span", { class: "status status-" + status, dataset: { status } },
      data.statuses[status] || status);
  }

  /* The urgent / needs-review / overdue badges of a ticket. */
  function badges(t) {
    const out = [];
    if (t.urgent) out.push(el("span", { class: "badge badge-urgent", title: (t.urgency_reasons || []).join("、") }, "紧急"));
    if (t.needs_review && t.status === "draft") out.push(el("span", { class: "badge badge-review" }, "待复核"));
    if (t.overdue) out.push(el("span", { class: "badge badge-overdue" }, "已超时"));
    return out;
  }

  /* "district · address", without repeating a district the address already names. */
  function placeOf(t) {
    if (t.address && t.district && t.address.includes(t.district)) return t.address;
    return [t.district, t.address].filter(Boolean).join(" · ") || "—";
  }

  function categoryLabel(code) {
    for (const top of data.categories) {
      for (const sub of top.subs) if (sub.code === code) return sub.label;
    }
    return code || "未分类";
  }

  function subcategory(code) {
    for (const top of data.categories) {
      for (const sub of top.subs) if (sub.code === code) return sub;
    }
    return null;
  }

  /* Fill a <select> with the categories, grouped by top-level category. */
  function fillCategories(select, { topLevel = false } = {}) {
    for (const top of data.categories) {
      if (topLevel) select.append(el("option", { value: top.code }, "【" + top.label + "】全部"));
      const group = el("optgroup", { label: top.label });
      for (const sub of top.subs) group.append(el("option", { value: sub.code }, sub.label));
      select.append(group);
    }
  }

  let flashTimer = null;
  function flash(message, kind = "ok") {
    const box = document.getElementById("flash");
    box.textContent = message;
    box.className = "flash flash-" + kind;
    box.hidden = false;
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => { box.hidden = true; }, kind === "error" ? 8000 : 4000);
  }

  function homeOf(role) {
    return data.home[role] || "/ui/login";
  }

  function allowed(roles, role) {
    return !roles || roles.length === 0 || roles.includes(role);
  }

  /* Header: show the links this role may open, the user, and the logout button. */
  function renderHeader(me) {
    document.querySelectorAll(".nav-link").forEach((a) => {
      const roles = (a.dataset.roles || "").split(" ").filter(Boolean);
      // Gated links stay hidden (CSS) until the role is known to be allowed.
      a.classList.toggle("allowed", !!me && allowed(roles, me.role));
    });
    document.getElementById("userbox").hidden = !me;
    document.getElementById("login-link").hidden = !!me || document.body.dataset.page === "login";
    if (me) {
      document.getElementById("user-name").textContent = me.full_name || me.username;
      document.getElementById("user-role").textContent = data.roles[me.role] || me.role;
    }
  }

  async function logout() {
    try {
      if (token()) await api("/auth/logout", { method: "POST" });
    } catch (e) {
      /* the token may already be invalid: log out locally anyway */
    }
    clearLogin();
    location.assign("/ui/login");
  }

  /* Check the page's roles, draw the header, then run the page's own code. */
  function start(fn) {
    const run = async () => {
      const pageRoles = (document.body.dataset.roles || "").split(" ").filter(Boolean);
      const me = token() ? user() : null;
      renderHeader(me);
      document.getElementById("logout-btn").addEventListener("click", logout);
      if (pageRoles.length > 0) {
        if (!me) return toLogin();
        if (!allowed(pageRoles, me.role)) {
          document.getElementById("denied").hidden = false;
          document.getElementById("denied-role").textContent = data.roles[me.role] || me.role;
          document.getElementById("denied-home").href = homeOf(me.role);
          return;
        }
        document.getElementById("page-body").hidden = false;
      }
      try {
        await fn(me);
      } catch (e) {
        flash(e.message || String(e), "error");
        throw e;
      }
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
    else run();
  }

  /* Save an API response body (a CSV export) as a file the browser downloads. */
  async function download(path, params, fallbackName) {
    const resp = await api(path, { params, raw: true });
    const disposition = resp.headers.get("Content-Disposition") || "";
    const match = /filename="([^"]+)"/.exec(disposition);
    const blob = await resp.blob();
    const url = URL.createObjectURL(blob);
    const a = el("a", { href: url, download: match ? match[1] : fallbackName });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  function isTyping(event) {
    const t = event.target;
    return t && (t.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(t.tagName));
  }

  return {
    data, token, user, saveLogin, clearLogin, api, ApiError, el, clear, fmtTime, fmtHours,
    dueText, fmtClock, statusBadge, badges, placeOf, categoryLabel, subcategory, fillCategories, flash,
    homeOf, start, download, isTyping, query,
  };
})();
