// "Call us" on the web chat page: the customer in a chat calls the same queue from the page. Hovor
// takes the chat's identity, survey answers and self-service trail into the call, which waits in the
// queue with its music and is offered to an agent like any call. The page sends its microphone to
// Hovor's media switch, plays what comes back, shows the call's state and hangs up.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const CONFIG = JSON.parse($("hovor-config").textContent);
  const STRINGS = JSON.parse($("hovor-strings").textContent);
  const t = (key) => STRINGS[key] ?? key;
  const bar = $("call");
  const button = $("call-us");
  if (!CONFIG.calls || !bar || !button) return;

  let connection = null;
  let microphone = null;
  let events = null;

  function show(state) {
    bar.dataset.state = state;
    $("call-state").textContent = state === "idle" ? "" : t(`call_${state}`);
    const inCall = state === "calling" || state === "waiting" || state === "connected" || state === "on_hold";
    button.hidden = inCall;
    $("call-hang-up").hidden = !inCall;
    if (state === "ended") finish();
  }

  function problem(text) {
    const el = $("call-error");
    el.textContent = text;
    el.hidden = !text;
  }

  async function call() {
    problem("");
    show("calling");
    try {
      microphone = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      show("idle");
      return problem(t("call_microphone"));
    }
    connection = new RTCPeerConnection();
    for (const track of microphone.getAudioTracks()) connection.addTrack(track, microphone);
    connection.ontrack = (e) => {
      const speaker = $("call-speaker");
      speaker.srcObject = e.streams[0] ?? new MediaStream([e.track]);
      speaker.play().catch(() => {});
    };
    try {
      await connection.setLocalDescription(await connection.createOffer());
      const response = await fetch("/api/chat/call", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ sdp: connection.localDescription.sdp }),
      });
      if (response.status !== 201) {
        const body = await response.json().catch(() => null);
        finish();
        show("idle");
        return problem(body?.code === "rate_limited" ? t("call_rate_limited") : t("call_failed"));
      }
      await connection.setRemoteDescription({ type: "answer", sdp: (await response.json()).sdp });
    } catch {
      finish();
      show("idle");
      return problem(t("call_failed"));
    }
    show("waiting");
    follow();
  }

  /** The call's state as Hovor reports it. */
  function follow() {
    events = new EventSource("/api/phone/events", { withCredentials: true });
    events.onmessage = (message) => {
      const change = JSON.parse(message.data)?.event?.phone_changed;
      if (change) show(change.state);
    };
    // A reconnected stream skips what happened meanwhile: ask once for the state.
    events.onopen = async () => {
      const response = await fetch("/api/phone/call", { credentials: "same-origin" }).catch(() => null);
      if (response && response.ok) show((await response.json()).state);
    };
  }

  async function hangUp() {
    $("call-hang-up").disabled = true;
    await fetch("/api/phone/call", { method: "DELETE", keepalive: true }).catch(() => {});
    $("call-hang-up").disabled = false;
    show("ended");
  }

  function finish() {
    events?.close();
    events = null;
    connection?.close();
    connection = null;
    for (const track of microphone?.getTracks() ?? []) track.stop();
    microphone = null;
    $("call-speaker").srcObject = null;
  }

  bar.hidden = false;
  show("idle");
  button.addEventListener("click", call);
  $("call-hang-up").addEventListener("click", hangUp);
  window.addEventListener("pagehide", () => {
    if (connection) fetch("/api/phone/call", { method: "DELETE", keepalive: true }).catch(() => {});
  });
})();
