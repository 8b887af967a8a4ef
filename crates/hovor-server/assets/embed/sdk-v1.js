// Hovor host SDK, protocol "desk" version 1 (docs/EMBEDDING.md). A CRM page loads it from its Hovor
// server (`<script src="https://hovor.example/embed/sdk/v1.js">`) and frames the desk with it:
//
//   const desk = new HovorDesk({ hovorOrigin: "https://hovor.example", container: panel });
//   desk.on("interactionStarted", (payload) => …);
//   desk.handle("screenPop", async ({ lookup }) => ({ record: … }));
//   await desk.dial("+420 777 000 111");
//
// It hears only the desk's frame from Hovor's exact origin, and writes only to that origin.
(function () {
  "use strict";

  var MARKER = "desk";
  var VERSION = 1;
  var REPLY_TIMEOUT_MS = 10000;
  var MAX_MESSAGE_BYTES = 16 * 1024;
  var MIN_HEIGHT = 240;
  var MAX_HEIGHT = 2560;
  // The error codes of version 1: a handler's other codes are answered as not_found.
  var CODES = ["unsupported_version", "unknown_type", "invalid_payload", "too_large", "not_ready", "not_signed_in",
    "forbidden", "not_found", "rate_limited", "timeout"];

  function HovorError(code, message) {
    var error = new Error(message || code);
    error.name = "HovorError";
    error.code = code;
    return error;
  }

  function HovorDesk(options) {
    if (!options || !options.hovorOrigin || !options.container) {
      throw new TypeError("HovorDesk needs hovorOrigin and container");
    }
    this.origin = new URL(options.hovorOrigin).origin;
    this.state = "connecting";
    // Whether the desk has been welcomed since it last said hello or bye: commands wait for it.
    this.connected = false;
    this.replyTimeoutMs = options.replyTimeoutMs || REPLY_TIMEOUT_MS;
    this.ignored = 0;
    this.agent = null;
    this.listeners = {};
    this.handlers = {};
    this.waiting = {};
    this.sequence = 0;

    var frame = document.createElement("iframe");
    frame.src = this.origin + "/embed?host=" + encodeURIComponent(window.location.origin);
    frame.title = options.title || "Hovor";
    frame.allow = "microphone";
    frame.style.border = "0";
    frame.style.width = options.width || "100%";
    frame.style.height = (options.height || 640) + "px";
    this.frame = frame;

    var desk = this;
    // By default the frame takes the height the desk asks for.
    this.handle("resize", function (payload) {
      var height = Math.max(MIN_HEIGHT, Math.min(MAX_HEIGHT, payload.height | 0));
      frame.style.height = height + "px";
      return { height: height };
    });
    this.onMessage = function (event) {
      desk.receive(event);
    };
    this.onLeave = function () {
      desk.bye();
    };
    window.addEventListener("message", this.onMessage);
    window.addEventListener("pagehide", this.onLeave);
    options.container.appendChild(frame);
  }

  // Calls `listener(payload, message)` for each event of `type` ("*" for all of them).
  HovorDesk.prototype.on = function (type, listener) {
    (this.listeners[type] = this.listeners[type] || []).push(listener);
    return this;
  };

  // Answers the desk's requests of `type` ("screenPop", "resize") with what `handler` returns (or
  // resolves to); a thrown HovorError answers with its code.
  HovorDesk.prototype.handle = function (type, handler) {
    this.handlers[type] = handler;
    return this;
  };

  // Posts a message to the desk; its id, or null when it is larger than the desk accepts.
  HovorDesk.prototype.send = function (type, payload, re) {
    var message = { hovor: MARKER, v: VERSION, id: "h" + ++this.sequence, type: type, payload: payload || {} };
    if (re) message.re = re;
    if (JSON.stringify(message).length > MAX_MESSAGE_BYTES) return null;
    if (this.frame.contentWindow) this.frame.contentWindow.postMessage(message, this.origin);
    return message.id;
  };

  // Sends a command; resolves with its result, rejects with a HovorError (its `code` as documented):
  // `not_ready` before the desk's handshake, `too_large` for a payload over 16 KiB, `timeout` when the
  // desk does not answer (it was reloading, say) within `replyTimeoutMs`.
  HovorDesk.prototype.command = function (type, payload) {
    var desk = this;
    return new Promise(function (resolve, reject) {
      if (!desk.connected) {
        reject(HovorError("not_ready", "the desk has not finished its handshake"));
        return;
      }
      var id = desk.send(type, payload);
      if (id === null) {
        reject(HovorError("too_large", "the message is larger than " + MAX_MESSAGE_BYTES + " bytes"));
        return;
      }
      var timer = setTimeout(function () {
        delete desk.waiting[id];
        reject(HovorError("timeout", "no reply within " + desk.replyTimeoutMs + " ms"));
      }, desk.replyTimeoutMs);
      desk.waiting[id] = function (reply) {
        clearTimeout(timer);
        if (reply.ok) resolve(reply.result === undefined ? null : reply.result);
        else reject(HovorError(reply.error.code, reply.error.message));
      };
    });
  };

  HovorDesk.prototype.dial = function (number, options) {
    options = options || {};
    return this.command("dial", { number: number, record: options.record || null, autoPlace: !!options.autoPlace });
  };
  HovorDesk.prototype.compose = function (to, subject) {
    return this.command("compose", { to: to, subject: subject || null });
  };
  HovorDesk.prototype.setAgentState = function (state, reason) {
    return this.command("setAgentState", { state: state, reason: reason || null });
  };
  HovorDesk.prototype.getState = function () {
    return this.command("getState", {});
  };
  HovorDesk.prototype.focusInteraction = function (interactionId) {
    return this.command("focusInteraction", { interactionId: interactionId });
  };
  HovorDesk.prototype.contextChanged = function (record) {
    return this.command("contextChanged", { record: record || null });
  };
  HovorDesk.prototype.linkRecord = function (interactionId, record) {
    return this.command("linkRecord", { interactionId: interactionId, record: record });
  };
  HovorDesk.prototype.setData = function (interactionId, data) {
    return this.command("setData", { interactionId: interactionId, data: data });
  };
  HovorDesk.prototype.visibilityChanged = function (visible) {
    return this.command("visibilityChanged", { visible: !!visible });
  };
  HovorDesk.prototype.notify = function (message, level) {
    return this.command("notify", { message: message, level: level || "info" });
  };
  HovorDesk.prototype.signOut = function () {
    return this.command("signOut", {});
  };
  // Signs the agent in with an assertion the CRM's server signed for the nonce of `signInRequired`.
  HovorDesk.prototype.signIn = function (assertion) {
    return this.command("signIn", { assertion: assertion });
  };

  // Tells the desk this host is leaving (the SDK does it itself when the page goes or on `destroy`).
  HovorDesk.prototype.bye = function () {
    if (this.connected) this.send("bye", {});
    this.connected = false;
  };

  HovorDesk.prototype.destroy = function () {
    this.bye();
    window.removeEventListener("message", this.onMessage);
    window.removeEventListener("pagehide", this.onLeave);
    if (this.frame.parentNode) this.frame.parentNode.removeChild(this.frame);
  };

  HovorDesk.prototype.emit = function (type, payload, message) {
    var all = (this.listeners[type] || []).concat(this.listeners["*"] || []);
    for (var i = 0; i < all.length; i++) {
      try {
        all[i](payload, message);
      } catch (e) {
        console.error(e);
      }
    }
  };

  HovorDesk.prototype.receive = function (event) {
    if (event.source !== this.frame.contentWindow || event.origin !== this.origin) {
      this.ignored++;
      return;
    }
    var message = event.data;
    if (!message || typeof message !== "object" || message.hovor !== MARKER) return;
    if (JSON.stringify(message).length > MAX_MESSAGE_BYTES) {
      // Never acted on; a request waiting for it hears why.
      var owed = message.type === "reply" && this.waiting[message.re];
      if (owed) {
        delete this.waiting[message.re];
        owed({ ok: false, error: { code: "too_large", message: "the reply is larger than " + MAX_MESSAGE_BYTES + " bytes" } });
      }
      this.emit("error", { code: "too_large", type: String(message.type) }, message);
      return;
    }
    var payload = message.payload || {};
    switch (message.type) {
      case "hello":
        // Also after the desk reloaded: greet it again.
        this.state = "connecting";
        this.connected = true;
        this.send("welcome", { v: VERSION, capabilities: Object.keys(this.handlers) });
        break;
      case "bye":
        // The desk's page is leaving: it greets again when it is back.
        this.state = "connecting";
        this.connected = false;
        this.agent = null;
        break;
      case "ready":
        this.state = "ready";
        this.agent = payload.agent;
        break;
      case "signInRequired":
        this.state = "signInRequired";
        this.agent = null;
        break;
      case "reply":
        var waiting = this.waiting[message.re];
        if (waiting) {
          delete this.waiting[message.re];
          waiting(payload);
        }
        return;
      case "resize":
      case "screenPop":
        this.answer(message);
        break;
    }
    this.emit(message.type, payload, message);
  };

  HovorDesk.prototype.answer = function (message) {
    var desk = this;
    var handler = this.handlers[message.type];
    var reply = function (body) {
      desk.send("reply", body, message.id);
    };
    if (!handler) {
      reply({ ok: false, error: { code: "unknown_type", message: "this host does not handle " + message.type } });
      return;
    }
    Promise.resolve()
      .then(function () {
        return handler(message.payload || {}, message);
      })
      .then(
        function (result) {
          reply(result === undefined || result === null ? { ok: true } : { ok: true, result: result });
        },
        function (error) {
          var code = error && CODES.indexOf(error.code) >= 0 ? error.code : "not_found";
          reply({ ok: false, error: { code: code, message: String((error && error.message) || error) } });
        },
      );
  };

  window.HovorDesk = HovorDesk;
})();
