// The post-chat survey on the web chat page: once the chat has ended, the queue's questions (a rating
// in stars, a comment) are asked once. The limits are Hovor's (hovor-types, in #hovor-config); a
// refusal is shown beside its question; nothing typed is lost when sending fails.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const CONFIG = JSON.parse($("hovor-config").textContent);
  const STRINGS = JSON.parse($("hovor-strings").textContent);
  const LANG = document.documentElement.lang || "en";
  const t = (key, vars = {}) =>
    (STRINGS[key] ?? key).replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
  const form = $("feedback");
  const screen = $("screen-chat");
  if (!form || !screen) return;

  const RATING_MAX = CONFIG.rating_max;
  const COMMENT_MAX = CONFIG.comment_max;
  // The questions asked, by id: { question, input | radios, error }.
  let asked = new Map();
  // "idle" → "loading" → "asking" | "done" | "none".
  let state = "idle";

  async function call(method, body) {
    const response = await fetch(`/api/chat/feedback?lang=${encodeURIComponent(LANG)}`, {
      method,
      headers: body ? { "content-type": "application/json" } : {},
      credentials: "same-origin",
      body: body ? JSON.stringify(body) : undefined,
    }).catch(() => null);
    const data = response ? await response.json().catch(() => null) : null;
    return { response, data };
  }

  async function load() {
    state = "loading";
    const { response, data } = await call("GET");
    if (screen.dataset.status !== "ended") return;
    if (!response || !response.ok || !data || !Array.isArray(data.questions) || !data.questions.length) {
      state = "none";
      return;
    }
    if (data.answered) return thank();
    render(data.questions);
  }

  function render(questions) {
    asked = new Map();
    $("feedback-questions").replaceChildren(...questions.map(field));
    form.hidden = false;
    state = "asking";
  }

  function mark(required) {
    const el = document.createElement("span");
    el.className = required ? "field__mark" : "field__optional";
    if (required) el.setAttribute("aria-hidden", "true");
    el.textContent = required ? "*" : t("optional");
    return el;
  }

  function errorLine(id) {
    const error = document.createElement("p");
    error.className = "field__error";
    error.id = `${id}-error`;
    error.dataset.testid = "feedback-question-error";
    error.setAttribute("role", "alert");
    error.hidden = true;
    return error;
  }

  function field(question) {
    const id = `feedback-${question.id}`;
    const error = errorLine(id);
    const entry = { question, error };
    asked.set(question.id, entry);
    if (question.kind === "rating") {
      const group = document.createElement("fieldset");
      group.className = "field rating";
      group.dataset.testid = "feedback-rating";
      group.setAttribute("aria-describedby", error.id);
      const legend = document.createElement("legend");
      legend.className = "field__label";
      legend.append(question.label, mark(question.required));
      const stars = document.createElement("div");
      stars.className = "rating__stars";
      entry.radios = [];
      for (let value = 1; value <= RATING_MAX; value += 1) {
        const label = document.createElement("label");
        label.className = "rating__star";
        const radio = document.createElement("input");
        radio.type = "radio";
        radio.name = id;
        radio.value = String(value);
        radio.className = "visually-hidden";
        radio.dataset.testid = `feedback-star-${value}`;
        radio.addEventListener("change", () => {
          paint(entry);
          problem(entry, "");
        });
        const star = document.createElement("span");
        star.setAttribute("aria-hidden", "true");
        star.textContent = "★";
        const words = document.createElement("span");
        words.className = "visually-hidden";
        words.textContent = t("feedback_stars", { rating: value, max: RATING_MAX });
        label.append(radio, star, words);
        stars.append(label);
        entry.radios.push(radio);
      }
      group.append(legend, stars, error);
      return group;
    }
    const wrap = document.createElement("div");
    wrap.className = "field";
    const label = document.createElement("label");
    label.className = "field__label";
    label.htmlFor = id;
    label.append(question.label, mark(question.required));
    const input = document.createElement("textarea");
    input.id = id;
    input.rows = 3;
    input.className = "field__input";
    input.dataset.testid = "feedback-comment";
    input.setAttribute("aria-describedby", error.id);
    input.addEventListener("input", () => problem(entry, ""));
    entry.input = input;
    wrap.append(label, input, error);
    return wrap;
  }

  /** Fills the stars up to the chosen one. */
  function paint(entry) {
    const chosen = Number(entry.radios.find((r) => r.checked)?.value ?? 0);
    entry.radios.forEach((radio, i) => radio.parentElement.classList.toggle("rating__star--on", i < chosen));
  }

  function problem(entry, text) {
    entry.error.textContent = text;
    entry.error.hidden = !text;
    const target = entry.input ?? entry.radios[0].closest("fieldset");
    target.setAttribute("aria-invalid", text ? "true" : "false");
  }

  function reply(entry) {
    if (entry.radios) {
      const chosen = entry.radios.find((r) => r.checked);
      return chosen ? { question_id: entry.question.id, rating: Number(chosen.value) } : null;
    }
    const comment = entry.input.value.trim();
    return comment ? { question_id: entry.question.id, comment } : null;
  }

  /** The same rules the server applies: required answered, a comment not too long, something said. */
  function check(replies) {
    let first = null;
    for (const entry of asked.values()) {
      const given = replies.find((r) => r.question_id === entry.question.id);
      let text = "";
      if (entry.question.required && !given) {
        text = t(entry.radios ? "feedback_rating_required" : "error_answer_required");
      } else if (given && given.comment && [...given.comment].length > COMMENT_MAX) {
        text = t("feedback_comment_too_long", { max: COMMENT_MAX });
      }
      problem(entry, text);
      if (text && !first) first = entry;
    }
    if (first) (first.input ?? first.radios[0]).focus();
    return !first;
  }

  function formError(text) {
    $("feedback-error").textContent = text;
    $("feedback-error").hidden = !text;
  }

  function thank() {
    form.hidden = true;
    $("feedback-done").textContent = t("feedback_thanks");
    $("feedback-done").hidden = false;
    state = "done";
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    formError("");
    const replies = [...asked.values()].map(reply).filter(Boolean);
    if (!check(replies)) return;
    if (!replies.length) return formError(t("feedback_empty"));
    $("feedback-submit").disabled = true;
    const { response, data } = await call("POST", { replies });
    $("feedback-submit").disabled = false;
    if (response && (response.status === 204 || (response.status === 409 && data?.reason === "already_answered"))) {
      return thank();
    }
    // A refusal names the question: `replies.<id>`.
    const entry = asked.get(Number(String(data?.field ?? "").split(".")[1]));
    if (response && response.status === 422 && entry) {
      const rule = data.rule?.kind;
      return problem(entry, rule === "too_long"
        ? t("feedback_comment_too_long", { max: COMMENT_MAX })
        : t(entry.radios ? "feedback_rating_required" : "error_answer_required"));
    }
    if (response && response.status === 422 && data?.field === "replies") return formError(t("feedback_empty"));
    formError(t("feedback_failed"));
  });

  /** Asked when the chat ends; a new chat starts afresh. */
  function follow() {
    if (screen.dataset.status === "ended") {
      if (state === "idle") load();
      return;
    }
    state = "idle";
    form.hidden = true;
    $("feedback-done").hidden = true;
    $("feedback-questions").replaceChildren();
    formError("");
  }

  new MutationObserver(follow).observe(screen, { attributes: true, attributeFilter: ["data-status"] });
  follow();
})();
