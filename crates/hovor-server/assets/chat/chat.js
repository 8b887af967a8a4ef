// Hovor customer web chat: the pre-chat survey, then the live conversation.
// Plain ES2020, no dependencies; every string comes from #hovor-strings.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);

  // The server's rules (from hovor-types) and the host sites allowed to talk to this page.
  const CONFIG = JSON.parse($("hovor-config").textContent);
  const MAX_BODY = CONFIG.body_max;
  const COUNTER_FROM = Math.floor(MAX_BODY * 0.95);
  const MAX_NAME = CONFIG.name_max;
  const MAX_SELF_SERVICE = CONFIG.reported_max;
  const MAX_DETAIL = CONFIG.detail_max;
  const TYPING_EVERY_MS = CONFIG.typing_every_ms;
  const TYPING_IDLE_MS = 4000;
  const AGENT_TYPING_HIDE_MS = CONFIG.typing_stale_ms;
  const RETRY_MAX_MS = 15000;
  const ALIVE_EVERY_MS = 5000;
  // Waited after a 429 that says neither retry_after_s nor Retry-After.
  const RATE_LIMIT_FALLBACK_S = 30;
  const KINDS = CONFIG.kinds;
  const HOST_ORIGINS = CONFIG.host_origins;

  // ---------------------------------------------------------------- strings

  const STRINGS = readStrings();
  const LANG = document.documentElement.lang || navigator.language || "en";

  function readStrings() {
    try {
      const parsed = JSON.parse($("hovor-strings").textContent);
      return parsed && typeof parsed === "object" ? parsed : {};
    } catch {
      return {};
    }
  }

  /** Looks up a string and fills in {placeholders}; a missing key shows itself. */
  function t(key, vars = {}) {
    const text = typeof STRINGS[key] === "string" ? STRINGS[key] : key;
    return text.replace(/\{(\w+)\}/g, (whole, name) =>
      Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : whole);
  }

  function translatePage() {
    for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
    for (const el of document.querySelectorAll("[data-i18n-placeholder]")) {
      el.placeholder = t(el.dataset.i18nPlaceholder);
    }
    for (const el of document.querySelectorAll("[data-i18n-aria-label]")) {
      el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel));
    }
  }

  const timeFormat = makeTimeFormat();

  function makeTimeFormat() {
    try {
      return new Intl.DateTimeFormat(LANG, { timeStyle: "short" });
    } catch {
      return new Intl.DateTimeFormat(undefined, { timeStyle: "short" });
    }
  }

  const relativeTime = makeRelativeTime();

  function makeRelativeTime() {
    for (const locale of [LANG, undefined]) {
      try {
        return new Intl.RelativeTimeFormat(locale, { numeric: "always" });
      } catch {
        // try the browser's own language, then give up
      }
    }
    return null;
  }

  /** "in 30 seconds", in the page's language with its plural forms: fills the {when} placeholders. */
  function inSeconds(seconds) {
    return relativeTime ? relativeTime.format(seconds, "second") : `${seconds} s`;
  }

  // ---------------------------------------------------------------- state

  const queueId = readQueueId();

  function readQueueId() {
    try {
      return decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");
    } catch {
      return ""; // a malformed link is simply an unknown queue
    }
  }

  // What the host site handed over (see sdk.js); empty when opened directly.
  const host = { selfService: [], context: [], identity: null };

  const chat = {
    view: null, // the ChatView minus messages
    messages: new Map(), // server id -> Message
    pending: new Map(), // idempotency key -> pending send
    lastEventId: null,
    source: null,
    sourceRetry: 0,
    sourceTimer: null,
    waitingSince: null,
    waitTimer: null,
    agentTypingTimer: null,
    sendBlockedUntil: 0, // after a 429 on sending: no new send before this time (ms)
  };

  // After a 429 on starting, the Start button counts down until the server takes a new chat.
  const start = { cooldownUntil: 0, cooldownTimer: null };

  const typing = { lastTrueAt: 0, active: false, idleTimer: null };

  // ---------------------------------------------------------------- API

  /**
   * Same-origin JSON call. Resolves with {ok, status, data, retryAfter} (the Retry-After header or
   * null); rejects only on network failure.
   */
  async function api(method, path, body, headers = {}) {
    const init = { method, credentials: "same-origin", headers: { Accept: "application/json", ...headers } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    let data = null;
    if (response.status !== 204) {
      try {
        data = await response.json();
      } catch {
        data = null;
      }
    }
    return { ok: response.ok, status: response.status, data, retryAfter: response.headers.get("Retry-After") };
  }

  /** The error body's `code` (e.g. "rate_limited", "queue_full"), or "" when it sent none. */
  function errorCode(result) {
    const code = result && result.data && result.data.code;
    return typeof code === "string" ? code : "";
  }

  /** A 409 because the conversation has already ended. */
  function isEndedConflict(result) {
    return Boolean(result) && result.status === 409 && Boolean(result.data) && result.data.reason === "ended";
  }

  /** A 429 other than a full queue: this connection sent too much; wait and try again. */
  function isRateLimited(result) {
    return Boolean(result) && result.status === 429 && errorCode(result) !== "queue_full";
  }

  /** Whole seconds to wait after a 429: the body's retry_after_s, else the Retry-After header. */
  function retryAfterSeconds(result) {
    const fromBody = Number(result && result.data && result.data.retry_after_s);
    if (Number.isFinite(fromBody) && fromBody > 0) return Math.ceil(fromBody);
    const header = ((result && result.retryAfter) || "").trim();
    if (/^\d+$/.test(header)) return Math.max(1, Number(header));
    const at = header ? Date.parse(header) : NaN; // Retry-After may also be an HTTP date
    if (Number.isFinite(at)) return Math.max(1, Math.ceil((at - Date.now()) / 1000));
    return RATE_LIMIT_FALLBACK_S;
  }

  /**
   * What to tell the customer about a failed call, in their language where the page knows the
   * case (a full queue, too many requests, a chat that ended); else the server's message, or a
   * generic one when it sent none.
   */
  function errorMessage(result) {
    if (result && result.status === 429 && errorCode(result) === "queue_full") return t("error_queue_full");
    if (isRateLimited(result)) return t("error_rate_limited", { when: inSeconds(retryAfterSeconds(result)) });
    if (isEndedConflict(result)) return t("status_ended");
    const message = result && result.data && result.data.message;
    return typeof message === "string" && message ? message : t("error_generic");
  }

  function backoff(attempt, jitter) {
    const delay = Math.min(1000 * 2 ** attempt, RETRY_MAX_MS);
    return jitter ? delay / 2 + Math.random() * (delay / 2) : delay;
  }

  // ---------------------------------------------------------------- screens

  function showScreen(id) {
    for (const screen of document.querySelectorAll(".screen")) screen.hidden = screen.id !== id;
  }

  function showNotice(text, retry) {
    $("notice-text").textContent = text;
    $("notice-retry").hidden = !retry;
    showScreen("screen-notice");
  }

  function setQueueName(name) {
    if (!name) return;
    $("queue-name").textContent = name;
    document.title = `${name} · ${t("page_title")}`;
  }

  // ---------------------------------------------------------------- start up

  async function boot() {
    showScreen("screen-loading");
    let result;
    try {
      result = await api("GET", "/api/chat/conversation");
    } catch {
      showNotice(t("error_network"), true);
      return;
    }
    // A reload resumes the conversation the cookie points at.
    if (result.ok && result.data && result.data.status !== "ended") {
      enterChat(result.data, false);
    } else if (result.ok || result.status === 401 || result.status === 404) {
      await loadQueue();
    } else {
      showNotice(errorMessage(result), true);
    }
  }

  async function loadQueue() {
    showScreen("screen-loading");
    if (!queueId) {
      showNotice(t("unavailable"), false);
      return false;
    }
    let result;
    try {
      result = await api("GET", `/api/chat/queues/${encodeURIComponent(queueId)}?lang=${encodeURIComponent(LANG)}`);
    } catch {
      showNotice(t("error_network"), true);
      return false;
    }
    if (result.status === 404 || (result.ok && !result.data)) {
      showNotice(t("unavailable"), false);
      return false;
    }
    if (!result.ok) {
      showNotice(errorMessage(result), true);
      return false;
    }
    setQueueName(result.data.queue_name);
    renderSurvey(Array.isArray(result.data.survey) ? result.data.survey : []);
    showScreen("screen-start");
    return true;
  }

  // ---------------------------------------------------------------- survey form

  function renderSurvey(questions) {
    const box = $("survey");
    box.replaceChildren(...questions.map(questionField));
  }

  function questionField(question) {
    const id = `q-${question.id}`;
    const wrap = document.createElement("div");
    wrap.className = "field";

    const label = document.createElement("label");
    label.className = "field__label";
    label.htmlFor = id;
    const text = document.createElement("span");
    text.textContent = question.label;
    label.append(text, question.required ? requiredMark() : optionalMark());

    const options = Array.isArray(question.options) ? question.options : [];
    // The server's translation of each option; the option itself is what the answer records.
    const labels = Array.isArray(question.option_labels) ? question.option_labels : options;
    const input = options.length ? selectInput(options, labels) : document.createElement("input");
    if (!options.length) input.type = "text";
    input.id = id;
    input.className = "field__input";
    input.dataset.questionId = String(question.id);
    if (question.required) {
      input.required = true;
      input.setAttribute("aria-required", "true");
    }

    const error = document.createElement("p");
    error.className = "field__error";
    error.id = `${id}-error`;
    error.hidden = true;

    wrap.append(label, input, error);
    return wrap;
  }

  function selectInput(options, labels) {
    const select = document.createElement("select");
    // Starts empty so a required question is a conscious choice.
    const empty = document.createElement("option");
    empty.value = "";
    empty.textContent = t("select_placeholder");
    select.append(empty);
    options.forEach((value, i) => {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = labels[i] ?? value;
      select.append(option);
    });
    return select;
  }

  function requiredMark() {
    const mark = document.createElement("span");
    mark.className = "field__mark";
    mark.setAttribute("aria-hidden", "true");
    mark.textContent = "*";
    return mark;
  }

  function optionalMark() {
    const mark = document.createElement("span");
    mark.className = "field__optional";
    mark.textContent = t("optional");
    return mark;
  }

  function setFieldError(input, message) {
    const error = $(`${input.id}-error`);
    error.textContent = message;
    error.hidden = false;
    input.setAttribute("aria-invalid", "true");
    const described = new Set((input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
    described.add(error.id);
    input.setAttribute("aria-describedby", [...described].join(" "));
  }

  function clearFieldErrors() {
    for (const input of $("start-form").querySelectorAll(".field__input")) {
      const error = $(`${input.id}-error`);
      error.hidden = true;
      error.textContent = "";
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    }
    $("start-error").hidden = true;
  }

  function surveyInputs() {
    return [...$("survey").querySelectorAll("[data-question-id]")];
  }

  /** Checks what the browser can check; the server has the last word. */
  function validateForm() {
    const problems = [];
    const name = $("f-name");
    const nameLength = [...name.value.trim()].length;
    if (nameLength === 0) problems.push([name, t("error_name_required")]);
    else if (nameLength > MAX_NAME) problems.push([name, t("error_name_too_long", { max: MAX_NAME })]);
    for (const input of surveyInputs()) {
      if (input.required && !input.value.trim()) problems.push([input, t("error_answer_required")]);
    }
    for (const [input, message] of problems) setFieldError(input, message);
    if (problems.length) problems[0][0].focus();
    return problems.length === 0;
  }

  function startRequest() {
    const email = $("f-email").value.trim();
    const answers = surveyInputs()
      .filter((input) => input.value.trim())
      .map((input) => ({ question_id: Number(input.dataset.questionId), answer: input.value.trim() }));
    return {
      name: $("f-name").value.trim(),
      email: email || null,
      answers,
      visitor: visitorInfo(),
      identity: host.identity,
      self_service: host.selfService.slice(-MAX_SELF_SERVICE),
      context: host.context,
    };
  }

  async function onStart(event) {
    event.preventDefault();
    if (Date.now() < start.cooldownUntil) return; // the button is disabled; Enter in a field must wait too
    clearFieldErrors();
    if (!validateForm()) return;
    const button = $("start-submit");
    button.disabled = true;
    button.textContent = t("starting");
    try {
      const result = await api("POST", `/api/chat/queues/${encodeURIComponent(queueId)}/conversations`, startRequest());
      if (result.ok && result.data) {
        rememberSelfServiceSent(result.data.conversation_id, host.selfService);
        enterChat(result.data, true);
      } else if (result.status === 404) {
        showNotice(t("unavailable"), false);
      } else if (isRateLimited(result)) {
        // Everything typed stays in the form, so Start can simply be pressed again once allowed.
        const seconds = retryAfterSeconds(result);
        showFormError(t("error_too_many_chats", { when: inSeconds(seconds) }));
        startCooldown(seconds);
      } else {
        // Also a full queue (429 queue_full): the form keeps what was typed for another try.
        showStartError(result);
      }
    } catch {
      showFormError(t("error_network"));
    } finally {
      if (!start.cooldownTimer) {
        button.disabled = false;
        button.textContent = t("start_chat");
      }
    }
  }

  /** Keeps the Start button disabled, counting down, until the server takes a new chat again. */
  function startCooldown(seconds) {
    clearInterval(start.cooldownTimer);
    start.cooldownUntil = Date.now() + seconds * 1000;
    const button = $("start-submit");
    const tick = () => {
      const left = Math.ceil((start.cooldownUntil - Date.now()) / 1000);
      if (left <= 0) {
        endCooldown();
        return;
      }
      button.disabled = true;
      button.textContent = t("start_wait", { when: inSeconds(left) });
    };
    start.cooldownTimer = setInterval(tick, 1000);
    tick();
  }

  function endCooldown() {
    clearInterval(start.cooldownTimer);
    start.cooldownTimer = null;
    start.cooldownUntil = 0;
    const button = $("start-submit");
    button.disabled = false;
    button.textContent = t("start_chat");
    // The "try again in … seconds" message has run out; the form is ready again.
    $("start-error").hidden = true;
  }

  function showStartError(result) {
    const input = result.status === 422 ? inputForField(result.data && result.data.field) : null;
    if (input) {
      setFieldError(input, errorMessage(result));
      input.focus();
    } else {
      showFormError(errorMessage(result));
    }
  }

  function inputForField(field) {
    if (field === "name") return $("f-name");
    if (field === "email") return $("f-email");
    const match = /^answers\.(\d+)$/.exec(field || "");
    return match ? $(`q-${match[1]}`) : null;
  }

  function showFormError(message) {
    const box = $("start-error");
    box.textContent = message;
    box.hidden = false;
  }

  function prefillIdentity(identity) {
    if (!identity || typeof identity !== "object") return;
    // Never overwrite what the customer already typed.
    if (typeof identity.name === "string" && !$("f-name").value) $("f-name").value = identity.name;
    if (typeof identity.email === "string" && !$("f-email").value) $("f-email").value = identity.email;
  }

  // ---------------------------------------------------------------- visitor details

  function visitorInfo() {
    const { browser, os } = navigator.userAgentData ? fromClientHints(navigator.userAgentData) : { browser: "", os: "" };
    const parsed = fromUserAgent(navigator.userAgent || "");
    return {
      browser: browser || parsed.browser,
      os: os || parsed.os,
      location: visitorLocation(),
      language: navigator.language || "",
    };
  }

  function fromClientHints(data) {
    const brands = Array.isArray(data.brands) ? data.brands : [];
    const real = brands.filter((b) => !/not.?a.?brand/i.test(b.brand));
    const pick = real.find((b) => b.brand !== "Chromium") || real.find((b) => b.brand === "Chromium");
    const browser = pick ? `${pick.brand.replace(/^(Google|Microsoft) /, "")} ${String(pick.version).split(".")[0]}` : "";
    return { browser, os: data.platform || "" };
  }

  function fromUserAgent(ua) {
    const browsers = [
      ["Firefox", /(?:Firefox|FxiOS)\/(\d+)/],
      ["Edge", /Edg(?:e|A|iOS)?\/(\d+)/],
      ["Chrome", /(?:Chrome|CriOS)\/(\d+)/],
      ["Safari", /Version\/(\d+).*Safari\//],
    ];
    const found = browsers.map(([name, re]) => [name, re.exec(ua)]).find(([, match]) => match);
    // Order matters: iOS and Android user agents also mention Mac OS X and Linux.
    const systems = [
      ["Windows", /Windows/],
      ["iOS", /iPhone|iPad|iPod/],
      ["Android", /Android/],
      ["macOS", /Mac OS X|Macintosh/],
      ["ChromeOS", /CrOS/],
      ["Linux", /Linux/],
    ];
    const os = systems.find(([, re]) => re.test(ua));
    return { browser: found ? `${found[0]} ${found[1][1]}` : "", os: os ? os[0] : "" };
  }

  function visitorLocation() {
    let region = "";
    let zone = "";
    try {
      region = new Intl.Locale(navigator.language || "").region || "";
    } catch {
      region = "";
    }
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch {
      zone = "";
    }
    return [region, zone].filter(Boolean).join(" · ");
  }

  // ---------------------------------------------------------------- host site (window.opener)

  // What the host hands over is kept within the server's limits, so it can never block the start.
  const clip = (text) => [...String(text ?? "").trim()].slice(0, MAX_DETAIL).join("");

  function sanitizeAction(action) {
    if (!action || !KINDS.includes(action.kind)) return null;
    const detail = clip(action.detail);
    if (!detail) return null;
    const at = Number(action.at);
    return { kind: action.kind, detail, at: Number.isFinite(at) ? at : Date.now() };
  }

  function sanitizeVars(vars) {
    if (!Array.isArray(vars)) return [];
    return vars
      .filter((v) => v && typeof v.key === "string" && clip(v.key))
      .map((v) => ({ key: [...v.key.trim()].slice(0, MAX_NAME).join(""), value: clip(v.value) }))
      .slice(0, MAX_SELF_SERVICE);
  }

  function onHostMessage(event) {
    // Only the opener, and only when it is one of the host sites the server allows.
    if (!window.opener || event.source !== window.opener || !HOST_ORIGINS.includes(event.origin)) return;
    const data = event.data;
    if (!data || typeof data !== "object") return;
    if (data.type === "hovor:init") onHostInit(data);
    else if (data.type === "hovor:self-service") onHostAction(data.action);
    else if (data.type === "hovor:context") onHostContext(data.vars);
  }

  function onHostInit(data) {
    const actions = Array.isArray(data.selfService) ? data.selfService.map(sanitizeAction).filter(Boolean) : [];
    host.selfService = actions.slice(-MAX_SELF_SERVICE);
    host.context = sanitizeVars(data.context);
    host.identity = data.identity && typeof data.identity === "object" ? data.identity : null;
    prefillIdentity(host.identity);
    if (isChatLive()) syncHost();
  }

  // The chat already runs (a reload, or the host moved to another page): send only what is new.
  function syncHost() {
    const sentUpTo = selfServiceSentUpTo(chat.view.conversation_id);
    for (const action of host.selfService) if (action.at > sentUpTo) postAction(action);
    if (host.context.length) postContext(host.context);
  }

  function onHostAction(raw) {
    const action = sanitizeAction(raw);
    if (!action) return;
    host.selfService = [...host.selfService, action].slice(-MAX_SELF_SERVICE);
    if (isChatLive()) postAction(action);
  }

  function onHostContext(raw) {
    const vars = sanitizeVars(raw);
    host.context = vars;
    if (isChatLive() && vars.length) postContext(vars);
  }

  function isChatLive() {
    return Boolean(chat.view) && chat.view.status !== "ended";
  }

  async function postAction(action) {
    const conversationId = chat.view.conversation_id;
    try {
      const result = await api("POST", "/api/chat/self-service", action);
      if (result.ok) rememberSelfServiceSent(conversationId, [action]);
    } catch {
      // Best effort: the agent loses one breadcrumb, not the conversation.
    }
  }

  async function postContext(vars) {
    try {
      await api("POST", "/api/chat/context", { vars });
    } catch {
      // Best effort, as above.
    }
  }

  // Remembers (per conversation, in this tab) the newest action already sent,
  // so a reload or a new host page does not send the same actions twice.
  function selfServiceKey(conversationId) {
    return `hovor.chat.selfServiceSent.${conversationId}`;
  }

  function selfServiceSentUpTo(conversationId) {
    try {
      return Number(sessionStorage.getItem(selfServiceKey(conversationId))) || 0;
    } catch {
      return 0;
    }
  }

  function rememberSelfServiceSent(conversationId, actions) {
    const newest = Math.max(selfServiceSentUpTo(conversationId), ...actions.map((a) => a.at));
    try {
      sessionStorage.setItem(selfServiceKey(conversationId), String(newest));
    } catch {
      // Storage may be off; worst case a reload resends a few actions.
    }
  }

  // Delivered only if the opener is on an allowed origin; the browser drops the rest.
  function postToHost(message) {
    for (const origin of HOST_ORIGINS) window.opener.postMessage(message, origin);
  }

  // Announces this window to the host page. Repeated, because the host tab may
  // have moved to another page whose SDK has not met this window yet.
  function announceToOpener() {
    if (!window.opener) return;
    try {
      postToHost({ type: "hovor:ready" });
    } catch {
      return;
    }
    setInterval(() => {
      if (!window.opener || window.opener.closed) return;
      try {
        postToHost({ type: "hovor:alive" });
      } catch {
        // The opener went away; nothing to tell.
      }
    }, ALIVE_EVERY_MS);
  }

  // ---------------------------------------------------------------- chat screen

  function enterChat(view, fresh) {
    chat.view = { ...view };
    delete chat.view.messages;
    setQueueName(view.queue_name);
    chat.waitingSince = rememberedWaitStart(view.conversation_id, fresh);
    replaceMessages(Array.isArray(view.messages) ? view.messages : []);
    $("composer-input").disabled = false;
    $("send").disabled = false;
    $("end-chat").hidden = false;
    $("ended").hidden = true;
    hideEndConfirm();
    renderStatus();
    showScreen("screen-chat");
    $("composer-input").focus();
    scrollToEnd();
    if (chat.view.status === "ended") return;
    // Resume right after what this view shows: nothing in between is missed.
    if (chat.lastEventId == null && view.last_event_id != null) chat.lastEventId = String(view.last_event_id);
    openStream();
    if (!fresh) syncHost();
  }

  function leaveChat() {
    closeStream();
    clearInterval(chat.waitTimer);
    clearTimeout(chat.agentTypingTimer);
    for (const pending of chat.pending.values()) clearTimeout(pending.timer);
    chat.pending.clear();
    chat.messages.clear();
    chat.view = null;
    chat.lastEventId = null;
    chat.sendBlockedUntil = 0;
    $("transcript").replaceChildren();
    $("typing").textContent = "";
    $("composer-input").value = "";
    hideComposerError();
    updateCounter();
  }

  async function onNewChat() {
    leaveChat();
    if (await loadQueue()) $("f-name").focus();
  }

  // Waiting time survives a reload of this tab.
  function rememberedWaitStart(conversationId, fresh) {
    const key = `hovor.chat.waitingSince.${conversationId}`;
    try {
      const stored = Number(sessionStorage.getItem(key));
      if (stored && !fresh) return stored;
      const now = Date.now();
      sessionStorage.setItem(key, String(now));
      return now;
    } catch {
      return Date.now();
    }
  }

  function isWaiting(status) {
    return status === "queued" || status === "offered";
  }

  function renderStatus() {
    const { status, agent_name: agent } = chat.view;
    // For the page's other parts ("Call me back" is offered while waiting).
    $("screen-chat").dataset.status = status;
    clearInterval(chat.waitTimer);
    $("status-waited").textContent = "";
    if (isWaiting(status)) {
      $("status-text").textContent = t("status_waiting");
      renderWaited();
      chat.waitTimer = setInterval(renderWaited, 1000);
    } else if (status === "active") {
      $("status-text").textContent = agent ? t("status_active", { name: agent }) : t("status_active_unknown");
    } else if (status === "ended") {
      $("status-text").textContent = t("status_ended");
      showEnded();
    }
  }

  function renderWaited() {
    const seconds = Math.max(0, Math.floor((Date.now() - chat.waitingSince) / 1000));
    const clock = seconds >= 3600
      ? `${Math.floor(seconds / 3600)}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`
      : `${Math.floor(seconds / 60)}:${pad(seconds % 60)}`;
    $("status-waited").textContent = t("status_waited", { time: clock });
  }

  const pad = (n) => String(n).padStart(2, "0");

  function showEnded() {
    closeStream();
    setConnection(true);
    hideAgentTyping();
    hideEndConfirm();
    stopTyping();
    $("composer-input").disabled = true;
    $("send").disabled = true;
    $("end-chat").hidden = true;
    $("ended").hidden = false;
  }

  function onConversationChanged(change) {
    if (!chat.view || change.conversation_id !== chat.view.conversation_id) return;
    const wasWaiting = isWaiting(chat.view.status);
    const wasEnded = chat.view.status === "ended";
    chat.view.status = change.status;
    chat.view.agent_name = change.agent_name ?? null;
    // A transfer puts the customer back in the queue: the wait starts again.
    if (!wasWaiting && isWaiting(change.status)) chat.waitingSince = rememberedWaitStart(chat.view.conversation_id, true);
    if (!wasEnded) renderStatus();
  }

  // ---------------------------------------------------------------- transcript

  function sortKey(message) {
    return [Number(message.at) || 0, Number(message.id) || 0];
  }

  function isAfter(a, b) {
    return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
  }

  function messageElement(message, pending) {
    const outbound = message.direction === "outbound";
    const item = document.createElement("div");
    item.className = `message ${outbound ? "message--agent" : "message--customer"}`;

    const meta = document.createElement("p");
    meta.className = "message__meta";
    const author = document.createElement("span");
    author.className = "message__author";
    author.textContent = outbound ? message.author || t("agent_fallback") : t("you");
    const when = document.createElement("span");
    when.className = "message__time";
    const at = Number(message.at);
    if (!pending && Number.isFinite(at)) when.textContent = timeFormat.format(new Date(at));
    meta.append(author, when);

    const body = document.createElement("p");
    body.className = "message__body";
    body.textContent = message.body;

    item.append(meta, body);
    return item;
  }

  /** Inserts a server message in time order, before any pending ones. */
  function insertMessage(message) {
    const element = messageElement(message, false);
    element.dataset.id = String(message.id);
    element.dataset.at = String(Number(message.at) || 0);
    const key = sortKey(message);
    const transcript = $("transcript");
    const next = [...transcript.children].find((el) =>
      el.dataset.pending !== undefined || isAfter([Number(el.dataset.at), Number(el.dataset.id)], key));
    transcript.insertBefore(element, next || null);
  }

  /** Adds a message from any source; returns false when it is already shown. */
  function addServerMessage(message) {
    if (!message || !chat.view || message.conversation_id !== chat.view.conversation_id) return false;
    if (chat.messages.has(message.id)) return false;
    chat.messages.set(message.id, message);
    if (message.direction === "inbound") claimPending(message);
    insertMessage(message);
    return true;
  }

  // The event stream may deliver the customer's own message before the send
  // request answers; hide the matching pending copy so it never shows twice.
  function claimPending(message) {
    for (const pending of chat.pending.values()) {
      if (pending.claimedBy == null && pending.state !== "failed" && pending.body === message.body) {
        pending.claimedBy = message.id;
        pending.element.remove();
        return;
      }
    }
  }

  function replaceMessages(messages) {
    const known = new Set(chat.messages.keys());
    chat.messages.clear();
    for (const el of [...$("transcript").children]) if (el.dataset.pending === undefined) el.remove();
    for (const message of messages) {
      // Only a message that is new to this page may stand for a pending one.
      if (known.has(message.id)) {
        chat.messages.set(message.id, message);
        insertMessage(message);
      } else {
        addServerMessage(message);
      }
    }
  }

  function scrollToEnd() {
    const transcript = $("transcript");
    transcript.scrollTop = transcript.scrollHeight;
  }

  // Follows new messages only when the customer is already at the bottom.
  function nearEnd() {
    const transcript = $("transcript");
    return transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 80;
  }

  function withScroll(change) {
    const follow = nearEnd();
    change();
    if (follow) scrollToEnd();
  }

  // ---------------------------------------------------------------- sending

  function onComposerKey(event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      onSend(event);
    }
  }

  function onSend(event) {
    event.preventDefault();
    if (!isChatLive()) return;
    const input = $("composer-input");
    const body = input.value.trim();
    const length = [...body].length;
    if (length === 0) return showComposerError(t("message_empty"));
    if (length > MAX_BODY) return showComposerError(t("message_too_long", { max: MAX_BODY.toLocaleString(LANG) }));
    // Still rate limited: keep the text in the composer rather than ask the server again.
    const waitMs = chat.sendBlockedUntil - Date.now();
    if (waitMs > 0) return showComposerError(t("error_rate_limited", { when: inSeconds(Math.ceil(waitMs / 1000)) }));
    hideComposerError();
    input.value = "";
    updateCounter();
    stopTyping();
    const pending = {
      key: crypto.randomUUID(),
      body,
      state: "sending",
      attempt: 0,
      timer: null,
      claimedBy: null,
      element: null,
    };
    pending.element = pendingElement(pending);
    chat.pending.set(pending.key, pending);
    $("transcript").append(pending.element);
    scrollToEnd();
    input.focus();
    deliver(pending);
  }

  function pendingElement(pending) {
    const element = messageElement({ direction: "inbound", body: pending.body }, true);
    element.dataset.pending = pending.key;
    element.classList.add("message--pending");
    const note = document.createElement("p");
    note.className = "message__note";
    note.textContent = t("message_sending");
    element.append(note);
    return element;
  }

  function setPendingState(pending, state, text) {
    pending.state = state;
    pending.element.classList.toggle("message--failed", state === "failed");
    pending.element.querySelector(".message__note").textContent = text;
  }

  async function deliver(pending) {
    let result;
    try {
      result = await api("POST", "/api/chat/messages", { body: pending.body }, { "Idempotency-Key": pending.key });
    } catch {
      result = null;
    }
    if (!chat.pending.has(pending.key)) return; // the chat was left meanwhile
    if (result && result.ok && result.data) return delivered(pending, result.data);
    if (!result || result.status >= 500) return retryLater(pending);
    chat.pending.delete(pending.key);
    pending.element.remove();
    if (result.status === 422) return refused(pending, result);
    if (result.status === 429) {
      // Too many messages: the text goes back to the composer, to be sent once the wait is over.
      chat.sendBlockedUntil = Math.max(chat.sendBlockedUntil, Date.now() + retryAfterSeconds(result) * 1000);
      return refused(pending, result);
    }
    // 409 (the chat ended) and anything else the server will not accept.
    failed(pending, errorMessage(result));
    if (isEndedConflict(result) && chat.view) onConversationChanged({ ...chat.view, status: "ended" });
  }

  function delivered(pending, message) {
    chat.pending.delete(pending.key);
    pending.element.remove();
    withScroll(() => addServerMessage(message));
  }

  function retryLater(pending) {
    setPendingState(pending, "retrying", t("message_retrying"));
    const delay = backoff(pending.attempt, false);
    pending.attempt += 1;
    pending.timer = setTimeout(() => {
      pending.timer = null;
      deliver(pending);
    }, delay);
  }

  // Validation failed on the server, or it wants a pause: give the text back so nothing is lost.
  function refused(pending, result) {
    const input = $("composer-input");
    input.value = input.value ? `${pending.body}\n${input.value}` : pending.body;
    updateCounter();
    showComposerError(errorMessage(result));
    input.focus();
  }

  function failed(pending, reason) {
    // Shown again even if a look-alike message claimed it: the customer must know.
    pending.claimedBy = null;
    chat.pending.set(pending.key, pending);
    setPendingState(pending, "failed", t("message_failed", { reason }));
    withScroll(() => $("transcript").append(pending.element));
  }

  function retryNow() {
    for (const pending of chat.pending.values()) {
      if (!pending.timer) continue; // failed, or a request is already under way
      clearTimeout(pending.timer);
      pending.timer = null;
      pending.attempt = 0;
      deliver(pending);
    }
  }

  function showComposerError(message) {
    const box = $("composer-error");
    box.textContent = message;
    box.hidden = false;
    $("composer-input").setAttribute("aria-invalid", "true");
    $("composer-input").setAttribute("aria-describedby", "composer-hint composer-counter composer-error");
  }

  function hideComposerError() {
    $("composer-error").hidden = true;
    $("composer-error").textContent = "";
    $("composer-input").removeAttribute("aria-invalid");
    $("composer-input").setAttribute("aria-describedby", "composer-hint composer-counter");
  }

  function updateCounter() {
    const count = [...$("composer-input").value].length;
    const counter = $("composer-counter");
    const show = count > COUNTER_FROM;
    counter.hidden = !show;
    counter.textContent = show
      ? t("char_counter", { count: count.toLocaleString(LANG), max: MAX_BODY.toLocaleString(LANG) })
      : "";
    counter.classList.toggle("composer__counter--over", count > MAX_BODY);
  }

  // ---------------------------------------------------------------- typing

  function sendTyping(value) {
    api("POST", "/api/chat/typing", { typing: value }).catch(() => {});
  }

  function onComposerInput() {
    updateCounter();
    if ($("composer-error").hidden === false && $("composer-input").value) hideComposerError();
    if (!isChatLive()) return;
    const now = Date.now();
    if (now - typing.lastTrueAt >= TYPING_EVERY_MS) {
      typing.lastTrueAt = now;
      typing.active = true;
      sendTyping(true);
    }
    clearTimeout(typing.idleTimer);
    typing.idleTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
  }

  function stopTyping() {
    clearTimeout(typing.idleTimer);
    typing.lastTrueAt = 0;
    if (!typing.active) return;
    typing.active = false;
    sendTyping(false);
  }

  function showAgentTyping(isTyping) {
    clearTimeout(chat.agentTypingTimer);
    if (!isTyping) return hideAgentTyping();
    const name = (chat.view && chat.view.agent_name) || t("agent_fallback");
    $("typing").textContent = t("typing", { name });
    // The agent's "stopped" may never arrive; do not claim typing forever.
    chat.agentTypingTimer = setTimeout(hideAgentTyping, AGENT_TYPING_HIDE_MS);
  }

  function hideAgentTyping() {
    clearTimeout(chat.agentTypingTimer);
    $("typing").textContent = "";
  }

  // ---------------------------------------------------------------- event stream

  function openStream() {
    closeStream();
    const after = chat.lastEventId != null ? `?after=${encodeURIComponent(chat.lastEventId)}` : "";
    const source = new EventSource(`/api/chat/events${after}`, { withCredentials: true });
    chat.source = source;
    source.onopen = onStreamOpen;
    source.onmessage = onStreamMessage;
    source.addEventListener("resync", onResync);
    source.onerror = () => onStreamError(source);
  }

  function closeStream() {
    clearTimeout(chat.sourceTimer);
    if (chat.source) chat.source.close();
    chat.source = null;
  }

  function onStreamOpen() {
    chat.sourceRetry = 0;
    setConnection(true);
    // Fills any gap between the last answer we saw and this connection.
    mergeFromServer();
  }

  function onStreamError(source) {
    if (source !== chat.source) return;
    setConnection(false);
    if (source.readyState !== EventSource.CLOSED) return; // the browser reconnects by itself
    source.close();
    chat.source = null;
    clearTimeout(chat.sourceTimer);
    chat.sourceTimer = setTimeout(() => {
      if (isChatLive()) openStream();
    }, backoff(chat.sourceRetry, true));
    chat.sourceRetry += 1;
  }

  function setConnection(open) {
    const line = $("connection");
    line.hidden = open;
    line.textContent = open ? "" : t("reconnecting");
  }

  function trackEventId(event, data) {
    const id = event.lastEventId || (data && data.id != null ? String(data.id) : "");
    if (id) chat.lastEventId = id;
  }

  function onStreamMessage(event) {
    let data;
    try {
      data = JSON.parse(event.data);
    } catch {
      return;
    }
    trackEventId(event, data);
    const payload = data && data.event;
    if (!payload || typeof payload !== "object") return;
    if (payload.message_created) onMessageCreated(payload.message_created.message);
    else if (payload.typing) onTyping(payload.typing);
    else if (payload.conversation_changed) onConversationChanged(payload.conversation_changed);
  }

  function onMessageCreated(message) {
    if (!message) return;
    withScroll(() => addServerMessage(message));
    if (message.direction === "outbound") hideAgentTyping();
  }

  function onTyping(change) {
    if (!chat.view || change.conversation_id !== chat.view.conversation_id) return;
    if (change.party === "agent") showAgentTyping(Boolean(change.typing));
  }

  function onResync(event) {
    trackEventId(event, null);
    refetchConversation(true);
  }

  function mergeFromServer() {
    refetchConversation(false);
  }

  /** Re-reads the conversation: `replace` rebuilds the transcript, otherwise merges. */
  async function refetchConversation(replace) {
    let result;
    try {
      result = await api("GET", "/api/chat/conversation");
    } catch {
      return; // the next reconnect tries again
    }
    const view = result.data;
    if (!result.ok || !view || !chat.view || view.conversation_id !== chat.view.conversation_id) return;
    const messages = Array.isArray(view.messages) ? view.messages : [];
    withScroll(() => {
      if (replace) replaceMessages(messages);
      else for (const message of messages) addServerMessage(message);
    });
    onConversationChanged({ conversation_id: view.conversation_id, status: view.status, agent_name: view.agent_name });
  }

  // ---------------------------------------------------------------- ending

  function showEndConfirm() {
    $("end-confirm").hidden = false;
    $("end-chat").setAttribute("aria-expanded", "true");
    $("end-no").focus();
  }

  function hideEndConfirm() {
    $("end-confirm").hidden = true;
    $("end-chat").setAttribute("aria-expanded", "false");
  }

  async function onEndConfirmed() {
    const button = $("end-yes");
    button.disabled = true;
    try {
      const result = await api("POST", "/api/chat/end");
      // 409: it had already ended, which is what the customer wanted.
      if (result.ok || result.status === 409) {
        onConversationChanged({ ...chat.view, status: "ended" });
        $("new-chat").focus();
      } else {
        showComposerError(errorMessage(result));
      }
    } catch {
      showComposerError(t("error_network"));
    } finally {
      button.disabled = false;
    }
  }

  // ---------------------------------------------------------------- wiring

  function wire() {
    window.addEventListener("message", onHostMessage);
    $("notice-retry").addEventListener("click", boot);
    $("start-form").addEventListener("submit", onStart);
    $("composer").addEventListener("submit", onSend);
    $("composer-input").addEventListener("keydown", onComposerKey);
    $("composer-input").addEventListener("input", onComposerInput);
    $("composer-input").addEventListener("blur", stopTyping);
    $("end-chat").addEventListener("click", showEndConfirm);
    $("end-no").addEventListener("click", () => {
      hideEndConfirm();
      $("end-chat").focus();
    });
    $("end-yes").addEventListener("click", onEndConfirmed);
    $("end-confirm").addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      hideEndConfirm();
      $("end-chat").focus();
    });
    $("new-chat").addEventListener("click", onNewChat);
    window.addEventListener("online", onOnline);
  }

  // Back online: do not wait out the backoff.
  function onOnline() {
    retryNow();
    if (isChatLive() && !chat.source) openStream();
  }

  translatePage();
  wire();
  announceToOpener();
  boot();
})();
