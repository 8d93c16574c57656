/* Login: exchange username and password for a bearer token, keep it for this tab only
 * (sessionStorage), then go to the page asked for or the role's home page. */
"use strict";

function nextUrl(role) {
  const next = new URLSearchParams(location.search).get("next");
  // Only pages of this site: a path under /ui/, never another origin ("//host", "/\host").
  if (next && /^\/ui\/[^/\\]/.test(next) && !next.startsWith("/ui/login")) return next;
  return MS.homeOf(role);
}

MS.start(async (me) => {
  if (me) {
    location.replace(nextUrl(me.role));
    return;
  }
  const form = document.getElementById("login-form");
  const error = document.getElementById("login-error");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    const button = document.getElementById("login-submit");
    button.disabled = true;
    try {
      const body = new URLSearchParams({
        username: document.getElementById("username").value.trim(),
        password: document.getElementById("password").value,
      });
      const token = await MS.api("/auth/token", { method: "POST", form: body, auth: false });
      sessionStorage.setItem("minsheng.token", token.access_token);
      const user = await MS.api("/auth/me");
      MS.saveLogin(token.access_token, user);
      location.assign(nextUrl(user.role));
    } catch (e) {
      error.textContent = e.status === 401 ? "用户名或密码错误" : e.message;
      error.hidden = false;
      MS.clearLogin();
    } finally {
      button.disabled = false;
    }
  });
});
