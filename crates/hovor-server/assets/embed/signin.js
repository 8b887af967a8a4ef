// The embedded desk's sign-in popup, on Hovor's own origin: the user signs in here (or already is),
// the page asks for a single-use code bound to the frame's challenge and hands it, with the frame's
// state, to the window that opened it, on Hovor's origin only. Plain ES2020; strings from #hovor-strings.
(() => {
  const strings = JSON.parse(document.getElementById("hovor-strings").textContent);
  const say = (key) => strings[key] ?? key;
  const $ = (id) => document.getElementById(id);
  document.querySelectorAll("[data-i18n]").forEach((e) => { e.textContent = say(e.dataset.i18n); });
  document.title = say("signin_title");

  const query = new URLSearchParams(location.search);
  const challenge = query.get("challenge") ?? "";
  const state = query.get("state") ?? "";
  const form = $("signin-form");

  function status(key, kind) {
    $("state").textContent = say(key);
    $("state").dataset.state = kind;
  }

  function fieldError(field, key) {
    $(`${field}-error`).textContent = key ? say(key) : "";
    $(field).setAttribute("aria-invalid", key ? "true" : "false");
  }

  async function post(path, body) {
    try {
      const response = await fetch(path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json().catch(() => null) };
    } catch {
      return { status: 0, body: null };
    }
  }

  /** Asks for the frame's code; true once it is handed over. */
  async function handOver() {
    const issued = await post("/api/embed/codes", { challenge });
    if (issued.status === 401) return false;
    if (issued.status !== 201) {
      status(issued.status === 0 ? "error_network" : "error_request", "error");
      return true;
    }
    if (!window.opener) {
      status("no_opener", "error");
      return true;
    }
    // Only a window on Hovor's own origin receives it: the frame that opened this popup.
    window.opener.postMessage({ hovor: "signin", state, code: issued.body.code }, location.origin);
    status("signed_in", "done");
    window.close();
    return true;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const username = $("username").value.trim();
    const password = $("password").value;
    fieldError("username", username ? null : "error_required");
    fieldError("password", password ? null : "error_required");
    if (!username || !password) return;
    $("submit").disabled = true;
    status("signing_in", "busy");
    const signed = await post("/api/session", { username, password });
    $("submit").disabled = false;
    if (signed.status === 200) {
      status("", "busy");
      if (!(await handOver())) status("error_request", "error");
      return;
    }
    status("", "idle");
    if (signed.status === 401) fieldError("password", "error_credentials");
    else if (signed.status === 429) status("error_rate_limited", "error");
    else status(signed.status === 0 ? "error_network" : "error_request", "error");
  });

  (async () => {
    if (!/^[A-Za-z0-9_-]{43}$/.test(challenge) || !state) {
      status("error_link", "error");
      return;
    }
    if (!(await handOver())) {
      form.hidden = false;
      $("username").focus();
    }
  })();
})();
