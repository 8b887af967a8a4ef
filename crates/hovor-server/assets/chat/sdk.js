// Hovor chat SDK for host websites.
//
//   <script src="https://hovor.example/chat/sdk.js"></script>
//   Hovor.identify(signedIdentityFromYourServer);
//   Hovor.setContextProvider(() => ({ cart_total: "1 290 Kč" }));
//   Hovor.recordSelfService("article_viewed", "How to pay by card");
//   Hovor.openChat(1, { language: "cs" });
//
// The chat runs in a popup on the Hovor origin; this file only talks to it
// with postMessage and never sees the customer's chat session.
(() => {
  "use strict";

  if (window.Hovor) return; // included twice: keep the first instance

  const script = document.currentScript;
  const ORIGIN = script && script.src ? new URL(script.src).origin : location.origin;
  const WINDOW_NAME = "hovor-chat";
  const STORAGE_KEY = "hovor.selfService";
  const MAX_ACTIONS = 50;
  // Filled in by the server from hovor-types when it serves this file.
  const KINDS = /*KINDS*/ [];
  const WIDTH = 400;
  const HEIGHT = 640;

  let contextProvider = null;
  let identity = null;
  let popup = null;

  // ---------------------------------------------------------------- self-service trail

  // sessionStorage keeps the trail while the customer moves between the host's pages.
  function loadActions() {
    try {
      const list = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || "[]");
      return Array.isArray(list) ? list : [];
    } catch {
      return [];
    }
  }

  function saveActions(list) {
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(list.slice(-MAX_ACTIONS)));
    } catch {
      // Storage full or disabled: the live chat still gets the action below.
    }
  }

  function recordSelfService(kind, detail) {
    if (!KINDS.includes(kind)) {
      console.warn(`Hovor.recordSelfService: unknown kind "${kind}"; use one of ${KINDS.join(", ")}`);
      return false;
    }
    const action = { kind, detail: String(detail ?? ""), at: Date.now() };
    saveActions([...loadActions(), action]);
    send({ type: "hovor:self-service", action });
    return true;
  }

  // ---------------------------------------------------------------- context and identity

  function setContextProvider(fn) {
    contextProvider = typeof fn === "function" ? fn : null;
  }

  /** The provider's object as [{key, value}] with string values. */
  function collectContext() {
    if (!contextProvider) return [];
    let values;
    try {
      values = contextProvider();
    } catch (error) {
      console.error("Hovor: the context provider failed", error);
      return [];
    }
    if (!values || typeof values !== "object") return [];
    return Object.entries(values)
      .filter(([, value]) => value !== undefined && value !== null)
      .map(([key, value]) => ({ key, value: String(value) }));
  }

  function updateContext() {
    send({ type: "hovor:context", vars: collectContext() });
  }

  // Opaque and signed by the host's server; Hovor verifies it, so pass it untouched.
  function identify(value) {
    identity = value && typeof value === "object" ? value : null;
  }

  // ---------------------------------------------------------------- popup

  function send(message) {
    if (popup && !popup.closed) popup.postMessage(message, ORIGIN);
  }

  function sendInit(target) {
    popup = target;
    send({ type: "hovor:init", selfService: loadActions(), context: collectContext(), identity });
  }

  function chatUrl(queueId, options) {
    const url = new URL(`/chat/${encodeURIComponent(queueId)}`, ORIGIN);
    if (options && options.language) url.searchParams.set("lang", options.language);
    return url.href;
  }

  function popupFeatures() {
    // Near the right edge of the current window, like a chat bubble would be.
    const left = Math.max(0, window.screenX + window.outerWidth - WIDTH - 24);
    const top = Math.max(0, window.screenY + 48);
    return `popup=yes,width=${WIDTH},height=${HEIGHT},left=${left},top=${top}`;
  }

  /** Opens the chat, or brings an open one to the front. False when the popup was blocked. */
  function openChat(queueId, options = {}) {
    if (popup && !popup.closed) {
      popup.focus();
      return true;
    }
    // Reuse a chat window opened from an earlier page of this site instead of reloading it.
    const existing = window.open("", WINDOW_NAME, popupFeatures());
    if (!existing) return false;
    if (isBlank(existing)) existing.location.href = chatUrl(queueId, options);
    popup = existing;
    existing.focus();
    return true;
  }

  function isBlank(win) {
    try {
      return win.location.href === "about:blank";
    } catch {
      return false; // cross-origin: it is already showing the chat
    }
  }

  // ---------------------------------------------------------------- handshake

  function onMessage(event) {
    if (event.origin !== ORIGIN || !event.data || typeof event.data !== "object") return;
    const { type } = event.data;
    // "ready": a chat page has just loaded; "alive": an open chat this page has not met yet.
    if (type === "hovor:ready" || (type === "hovor:alive" && event.source !== popup)) {
      sendInit(event.source);
    }
  }

  window.addEventListener("message", onMessage);

  window.Hovor = Object.freeze({
    recordSelfService,
    setContextProvider,
    identify,
    openChat,
    updateContext,
  });
})();
