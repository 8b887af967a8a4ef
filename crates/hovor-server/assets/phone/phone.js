// The phone page: stands in for a telephone on the public network. It dials a queue's entry-point
// number, or rings when Hovor calls its own number (its line) and answers or declines, sends its
// microphone to Hovor's media switch and plays what comes back, shows the call's state as Hovor
// reports it, and hangs up. Every rule is checked by the server; its errors show
// beside the field they are about.
"use strict";

(() => {
  const strings = JSON.parse(document.getElementById("hovor-strings").textContent);
  const $ = (id) => document.getElementById(id);
  const t = (key, vars = {}) =>
    (strings[key] ?? key).replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));

  const fields = { from: $("own-number"), to: $("dial-number") };
  let connection = null;
  let microphone = null;
  let events = null;
  let connectedAt = null;
  let ticking = null;
  let line = null;
  let incoming = null;
  // A call this phone answered as a number an agent consulted or transferred to: it follows that call
  // on its line and hangs up there (the customer's own call has a stream and a cookie of its own).
  let asNumber = null;
  // The number Hovor will call back, once the caller asked for it.
  let callbackNumber = null;

  function translatePage() {
    for (const element of document.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  }

  /** A number of this page's own, as a phone line would have: the same for the tab's life. */
  function ownNumber() {
    const asked = new URLSearchParams(location.search).get("from");
    if (asked) return asked;
    const digits = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b % 10).join("");
    return `+420 7${digits.slice(0, 2)} ${digits.slice(2, 5)} ${digits.slice(5, 8)}`;
  }

  function showState(state) {
    const el = $("state");
    el.dataset.state = state;
    el.textContent = state === "idle" ? "" : t(`state_${state}`, { caller: incoming?.caller ?? "", number: callbackNumber ?? "" });
    const inCall = state === "calling" || state === "waiting" || state === "connected" || state === "on_hold";
    const ringing = state === "ringing";
    $("call").hidden = inCall || ringing;
    $("hang-up").hidden = !inCall;
    $("answer").hidden = !ringing;
    $("decline").hidden = !ringing;
    // While waiting for an agent, the caller may hang up and be called back, keeping their place.
    $("call-me-back").hidden = state !== "waiting";
    for (const input of Object.values(fields)) input.disabled = inCall || ringing;
    if ((state === "connected" || state === "on_hold") && connectedAt === null) {
      connectedAt = Date.now();
      ticking = setInterval(showTimer, 1000);
      showTimer();
    }
    if (!inCall) stopTimer();
    if (state === "ended") finish();
  }

  function showTimer() {
    const s = Math.floor((Date.now() - connectedAt) / 1000);
    $("timer").textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }

  function stopTimer() {
    clearInterval(ticking);
    ticking = null;
    connectedAt = null;
  }

  function clearErrors() {
    $("error").textContent = "";
    for (const input of Object.values(fields)) {
      input.removeAttribute("aria-invalid");
      $(`${input.id}-error`).textContent = "";
    }
  }

  /** The server's typed error (its rule, else its code) beside its field, or under the buttons. */
  function showError(body) {
    const key = [`error_${body?.rule?.kind}`, `error_${body?.code}`].find((k) => k in strings) ?? "error_generic";
    const input = body?.field && fields[body.field];
    if (input) {
      input.setAttribute("aria-invalid", "true");
      $(`${input.id}-error`).textContent = t(key);
      input.focus();
    } else {
      $("error").textContent = t(key);
    }
  }

  /** The microphone out and what comes back to the speaker: a new audio connection with its offer. */
  async function openAudio() {
    microphone = await navigator.mediaDevices.getUserMedia({ audio: true });
    connection = new RTCPeerConnection();
    for (const track of microphone.getAudioTracks()) connection.addTrack(track, microphone);
    connection.ontrack = (e) => {
      const speaker = $("speaker");
      speaker.srcObject = e.streams[0] ?? new MediaStream([e.track]);
      speaker.play().catch(() => {});
    };
    await connection.setLocalDescription(await connection.createOffer());
    return connection.localDescription.sdp;
  }

  /** Sends the offer to `path`; on 201 the server's answer completes the connection. */
  async function connectTo(path, body) {
    const response = await fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (response.status !== 201) return response.json().catch(() => null);
    await connection.setRemoteDescription({ type: "answer", sdp: (await response.json()).sdp });
    return null;
  }

  async function dial(event) {
    event.preventDefault();
    clearErrors();
    for (const input of Object.values(fields)) {
      if (!input.value.trim()) return showError({ field: input.name, rule: { kind: "required" } });
    }
    showState("calling");
    let sdp;
    try {
      sdp = await openAudio();
    } catch {
      finish();
      showState("idle");
      return showError({ code: "microphone" });
    }
    try {
      const refused = await connectTo("/api/phone/calls", { from: fields.from.value, to: fields.to.value, sdp });
      if (refused !== null) {
        finish();
        showState("idle");
        return showError(refused);
      }
    } catch {
      finish();
      showState("idle");
      return showError({ code: "network" });
    }
    showState("waiting");
    follow();
  }

  /** The page's own number is its line: calls Hovor places to it ring here. */
  async function openLine() {
    line?.close();
    line = null;
    const number = fields.from.value.trim();
    if (!number) return;
    const response = await fetch("/api/phone/lines", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ number }),
    }).catch(() => null);
    if (!response || response.status !== 204) {
      const body = await response?.json().catch(() => null);
      return showError(body ?? { code: "network" });
    }
    line = new EventSource("/api/phone/line", { withCredentials: true });
    // Each message is a LineEnvelope: {"ring": IncomingCall} or {"state": LineCallState}.
    line.onmessage = (message) => {
      const news = JSON.parse(message.data).event;
      if (news.ring) ring(news.ring);
      if (news.state) followLine(news.state);
    };
  }

  function ring(call) {
    if (connection || incoming) return; // busy: the caller keeps ringing until they give up
    incoming = call;
    showState("ringing");
    $("answer").focus();
  }

  function followLine(news) {
    if (asNumber !== null && news.conversation_id === asNumber) {
      if (news.state === "ended") asNumber = null;
      showState(news.state);
    } else if (incoming?.conversation_id === news.conversation_id && news.state === "ended") {
      // The consult or transfer that rang this phone was called off before it answered.
      incoming = null;
      showState("idle");
    }
  }

  async function answer() {
    const call = incoming;
    clearErrors();
    let sdp;
    try {
      sdp = await openAudio();
    } catch {
      finish();
      return showError({ code: "microphone" });
    }
    try {
      const refused = await connectTo(`/api/phone/incoming/${call.conversation_id}/answer`, { sdp });
      if (refused !== null) {
        finish();
        incoming = null;
        showState("idle");
        return showError(refused);
      }
    } catch {
      finish();
      return showError({ code: "network" });
    }
    incoming = null;
    showState("connected");
    if (call.party === "number") asNumber = call.conversation_id;
    else follow();
  }

  async function decline() {
    const call = incoming;
    incoming = null;
    showState("idle");
    await fetch(`/api/phone/incoming/${call.conversation_id}/decline`, { method: "POST" }).catch(() => {});
  }

  /** The call's state as Hovor reports it, from the moment the call exists. */
  function follow() {
    events = new EventSource("/api/phone/events", { withCredentials: true });
    events.onmessage = (message) => {
      const change = JSON.parse(message.data)?.event?.phone_changed;
      if (change) showState(change.state);
    };
    // Reconnecting streams skip what happened meanwhile: ask once for the state.
    events.onopen = async () => {
      const response = await fetch("/api/phone/call", { credentials: "same-origin" }).catch(() => null);
      if (response && response.ok) showState((await response.json()).state);
    };
  }

  /** Puts the phone down: the customer's call, or the call it takes part in as a number. */
  function putDown() {
    if (asNumber !== null) {
      const path = `/api/phone/incoming/${asNumber}/hang-up`;
      asNumber = null;
      return fetch(path, { method: "POST", keepalive: true }).catch(() => {});
    }
    return fetch("/api/phone/call", { method: "DELETE", keepalive: true }).catch(() => {});
  }

  /** Call me back instead: the call is put down, a callback keeps the caller's place in the queue. */
  async function callMeBack() {
    clearErrors();
    $("call-me-back").disabled = true;
    const response = await fetch("/api/phone/call/callback", { method: "POST" }).catch(() => null);
    $("call-me-back").disabled = false;
    if (!response || response.status !== 201) {
      const body = await response?.json().catch(() => null);
      return showError(body?.reason ? { code: body.reason } : body ?? { code: "network" });
    }
    callbackNumber = (await response.json()).number;
    finish();
    showState("callback");
  }

  async function hangUp() {
    $("hang-up").disabled = true;
    await putDown();
    $("hang-up").disabled = false;
    showState("ended");
  }

  /** Lets go of the microphone, the audio and the stream. */
  function finish() {
    events?.close();
    events = null;
    connection?.close();
    connection = null;
    for (const track of microphone?.getTracks() ?? []) track.stop();
    microphone = null;
    $("speaker").srcObject = null;
  }

  translatePage();
  document.title = t("page_title");
  fields.from.value = ownNumber();
  fields.to.value = new URLSearchParams(location.search).get("to") ?? "";
  showState("idle");
  $("dial-form").addEventListener("submit", dial);
  $("hang-up").addEventListener("click", hangUp);
  $("call-me-back").addEventListener("click", callMeBack);
  $("answer").addEventListener("click", answer);
  $("decline").addEventListener("click", decline);
  fields.from.addEventListener("change", openLine);
  openLine();
  // Closing the page hangs up, as putting the phone down would.
  window.addEventListener("pagehide", () => {
    if (connection) putDown();
  });
})();
