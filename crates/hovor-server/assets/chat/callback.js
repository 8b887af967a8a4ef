// "Call me back" on the web chat page: a customer still waiting for an agent leaves a phone number
// instead. Hovor puts a callback in the chat's place in the queue and ends the chat; whoever takes it
// calls the number. The number's rule is Hovor's (hovor-types); a refusal is shown beside the field.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const CONFIG = JSON.parse($("hovor-config").textContent);
  const STRINGS = JSON.parse($("hovor-strings").textContent);
  const t = (key, vars = {}) =>
    (STRINGS[key] ?? key).replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
  const form = $("callback");
  const screen = $("screen-chat");
  if (!CONFIG.calls || !form || !screen) return;

  const open = $("callback-open");
  const fields = $("callback-fields");
  const phone = $("callback-phone");
  let done = false;

  /** Offered only while the customer waits for an agent. */
  function follow() {
    const waiting = screen.dataset.status === "queued" || screen.dataset.status === "offered";
    form.hidden = !(waiting || done);
  }

  function problem(text) {
    const el = $("callback-error");
    el.textContent = text;
    el.hidden = !text;
    phone.setAttribute("aria-invalid", text ? "true" : "false");
  }

  function phoneRule() {
    const [min, max] = CONFIG.callback_phone_chars;
    return t("callback_phone_invalid", { min, max });
  }

  open.addEventListener("click", () => {
    const shown = fields.hidden;
    fields.hidden = !shown;
    open.setAttribute("aria-expanded", String(shown));
    if (shown) phone.focus();
  });
  phone.addEventListener("input", () => problem(""));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem("");
    const number = phone.value.trim();
    $("callback-submit").disabled = true;
    const response = await fetch("/api/chat/callback", {
      method: "POST",
      headers: { "content-type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ phone: number }),
    }).catch(() => null);
    $("callback-submit").disabled = false;
    if (response && response.status === 204) {
      done = true;
      fields.hidden = true;
      open.hidden = true;
      // A call now would be a second one in the same place.
      const call = $("call");
      if (call) call.hidden = true;
      $("callback-done").textContent = t("callback_done", { phone: number });
      $("callback-done").hidden = false;
      return follow();
    }
    const body = response ? await response.json().catch(() => null) : null;
    if (response && response.status === 422) return problem(phoneRule());
    if (response && response.status === 429) return problem(t("callback_rate_limited"));
    if (response && response.status === 409 && body?.reason === "call_refused") return problem(t("callback_taken"));
    problem(t("callback_failed"));
  });

  new MutationObserver(follow).observe(screen, { attributes: true, attributeFilter: ["data-status"] });
  follow();
})();
