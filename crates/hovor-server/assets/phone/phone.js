// The phone page: stands in for a telephone on the public network. It dials a queue's entry-point
// number, sends its microphone to Hovor's media switch and plays what comes back, shows the call's
// state as Hovor reports it, and hangs up. Every rule is checked by the server; its errors show
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
    el.textContent = state === "idle" ? "" : t(`state_${state}`);
    const inCall = state === "calling" || state === "waiting" || state === "connected" || state === "on_hold";
    $("call").hidden = inCall;
    $("hang-up").hidden = !inCall;
    for (const input of Object.values(fields)) input.disabled = inCall;
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

  async function dial(event) {
    event.preventDefault();
    clearErrors();
    for (const input of Object.values(fields)) {
      if (!input.value.trim()) return showError({ field: input.name, rule: { kind: "required" } });
    }
    showState("calling");
    try {
      microphone = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      showState("idle");
      return showError({ code: "microphone" });
    }
    connection = new RTCPeerConnection();
    for (const track of microphone.getAudioTracks()) connection.addTrack(track, microphone);
    connection.ontrack = (e) => {
      const speaker = $("speaker");
      speaker.srcObject = e.streams[0] ?? new MediaStream([e.track]);
      speaker.play().catch(() => {});
    };
    try {
      await connection.setLocalDescription(await connection.createOffer());
      const response = await fetch("/api/phone/calls", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ from: fields.from.value, to: fields.to.value, sdp: connection.localDescription.sdp }),
      });
      if (response.status !== 201) {
        const body = await response.json().catch(() => null);
        finish();
        showState("idle");
        return showError(body);
      }
      await connection.setRemoteDescription({ type: "answer", sdp: (await response.json()).sdp });
    } catch {
      finish();
      showState("idle");
      return showError({ code: "network" });
    }
    showState("waiting");
    follow();
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

  async function hangUp() {
    $("hang-up").disabled = true;
    await fetch("/api/phone/call", { method: "DELETE", keepalive: true }).catch(() => {});
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
  // Closing the page hangs up, as putting the phone down would.
  window.addEventListener("pagehide", () => {
    if (connection) fetch("/api/phone/call", { method: "DELETE", keepalive: true }).catch(() => {});
  });
})();
