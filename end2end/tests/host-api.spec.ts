import { createHmac } from "node:crypto";
import { Browser, Frame, Page } from "@playwright/test";
import { api, expect, PASSWORD, startChat, test } from "./fixtures";
import { chromiumWithoutThirdPartyCookies, OwnServer } from "./own-server";
import { launchWithMicrophone } from "./audio";
import { chromium } from "@playwright/test";
import { execFileSync } from "node:child_process";
// @ts-expect-error: a plain ES module, also run on its own as the demo's example CRM.
import { startMockCrm } from "../mock-crm/serve.mjs";

/**
 * The host API, as a CRM uses it through the SDK: the example CRM (`end2end/mock-crm`) on
 * `http://localhost:<port>`, Hovor on `http://127.0.0.1:<port>`, third-party cookies blocked.
 */
type MockCrm = { origin: string; hovor: string; close: () => Promise<void> };
type Logged = { type: string; payload: Record<string, unknown> };

const SECRET = "example-crm-assertion-secret";
let hovor: OwnServer;
let crm: MockCrm;
let stranger: MockCrm;
let browser: Browser;

test.beforeAll(async () => {
  crm = await startMockCrm();
  stranger = await startMockCrm();
  hovor = await OwnServer.start("host-api", { HOVOR_EMBED_HOST_ORIGINS: crm.origin, HOVOR_EMBED_ASSERTION_SECRET: SECRET });
  crm.hovor = hovor.url;
  stranger.hovor = hovor.url;
  browser = await chromiumWithoutThirdPartyCookies();
});

test.afterAll(async () => {
  await browser?.close();
  await hovor?.down();
  await crm?.close();
  await stranger?.close();
});

async function openCrm(): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  await page.goto(crm.origin);
  return page;
}

const log = (page: Page): Promise<Logged[]> => page.evaluate(() => (window as unknown as { crm: { log: Logged[] } }).crm.log);
const types = async (page: Page) => (await log(page)).map((m) => m.type);

/** Sends a raw message to the desk's frame from the CRM page, as the SDK would; resolves to its reply. */
async function raw(page: Page, message: unknown): Promise<Record<string, unknown> | null> {
  return page.evaluate(async (message) => {
    const desk = (window as unknown as { crm: { desk: { frame: HTMLIFrameElement; origin: string } } }).crm.desk;
    return new Promise((resolve) => {
      const id = (message as { id?: string }).id;
      const timer = setTimeout(() => resolve(null), 3000);
      window.addEventListener("message", function heard(event) {
        if (event.source === desk.frame.contentWindow && event.data?.type === "reply" && event.data.re === id) {
          clearTimeout(timer);
          window.removeEventListener("message", heard);
          resolve(event.data.payload);
        }
      });
      desk.frame.contentWindow!.postMessage(message, desk.origin);
    });
  }, message);
}

/** A command through the SDK: `{ result }` or `{ code }`. */
async function command(page: Page, name: string, ...args: unknown[]): Promise<{ result?: unknown; code?: string }> {
  return page.evaluate(async ({ name, args }) => {
    const desk = (window as unknown as { crm: { desk: Record<string, (...a: unknown[]) => Promise<unknown>> } }).crm.desk;
    try {
      return { result: await desk[name](...args) };
    } catch (e) {
      return { code: (e as { code: string }).code };
    }
  }, { name, args });
}

function deskFrame(page: Page): Frame {
  const frame = page.frames().find((f) => f.url().startsWith(hovor.url));
  if (!frame) throw new Error("no desk frame");
  return frame;
}

async function signInByPopup(page: Page, username: string) {
  const frame = page.frameLocator("iframe[title=Hovor]");
  const [popup] = await Promise.all([page.waitForEvent("popup"), frame.getByTestId("embed-sign-in").click()]);
  await popup.getByLabel("User name").fill(username);
  await popup.getByLabel("Password").fill(PASSWORD);
  await Promise.all([popup.waitForEvent("close"), popup.getByRole("button", { name: "Sign in" }).click()]);
}

test("a CRM talks to the framed desk: handshake, sign-in, state, resize, forged and malformed messages, click-to-dial, an offer to its wrap-up, reload and an assertion sign-in", async () => {
  test.setTimeout(120_000);
  const page = await openCrm();
  const frame = page.frameLocator("iframe[title=Hovor]");

  // The handshake: the desk greets, the SDK welcomes it, and the desk says it needs a sign-in, with a
  // nonce for the CRM's server.
  await expect(page.locator("#desk-state")).toHaveAttribute("data-state", "signInRequired");
  await expect(frame.getByTestId("host-link")).toHaveAttribute("data-handshake", "connected");
  const required = (await log(page)).find((m) => m.type === "signInRequired")!;
  expect(required.payload.methods).toEqual(["popup", "assertion"]);
  expect(String(required.payload.nonce)).toMatch(/^[A-Za-z0-9_-]{16,}$/);
  expect(await command(page, "setAgentState", "available")).toEqual({ code: "not_signed_in" });

  // Signed in through Hovor's window: signedIn, then ready with the agent and their state.
  await signInByPopup(page, "agent1");
  await expect(page.locator("#desk-state")).toHaveAttribute("data-state", "ready");
  const ready = (await log(page)).find((m) => m.type === "ready")!;
  expect(ready.payload.agent).toMatchObject({ name: expect.any(String), id: expect.any(Number) });
  expect(await types(page)).toContain("signedIn");

  // The desk asks the CRM for the height its controls need; the SDK gives it to the frame.
  await expect(page.locator("iframe[title=Hovor]")).toHaveCSS("height", "720px");
  // What the agent already had is in `ready`, not announced again as started.
  expect(await types(page)).not.toContain("interactionStarted");

  // Set state from the host: the desk's own control follows, and the host hears the change.
  await page.locator("#agent-state").selectOption("available");
  await page.locator("#set-state").click();
  await expect(frame.getByTestId("agent-status")).toHaveValue("available");
  await expect.poll(async () => (await log(page)).filter((m) => m.type === "agentStateChanged").map((m) => (m.payload.state as { state: string }).state)).toContain("available");
  const badState = await command(page, "setAgentState", "idle", "no_answer");
  expect(badState.code, "a reason the server sets is not the host's to pick").toBe("invalid_payload");

  // A forged sender (a frame of the CRM's own origin that is not the desk's parent) and a wrong
  // origin (another site's frame inside the CRM page): both ignored, counted, never obeyed.
  await command(page, "setAgentState", "idle", "break");
  await expect(frame.getByTestId("agent-status")).toHaveValue("idle:break");
  // Each forger is a frame inside the CRM page that posts a command to the desk's frame.
  for (const origin of [crm.origin, stranger.origin]) {
    await page.evaluate((origin) => {
      const other = document.createElement("iframe");
      other.src = `${origin}/forger`;
      other.className = "forger";
      document.body.appendChild(other);
    }, origin);
  }
  for (const forger of page.frames().filter((f) => f.url().endsWith("/forger"))) {
    await expect(forger.locator("body")).toHaveAttribute("data-posted", "true");
  }
  await expect(frame.getByTestId("host-link")).toHaveAttribute("data-ignored", "2");
  await expect(frame.getByTestId("agent-status")).toHaveValue("idle:break");

  // Malformed and oversized messages get their typed errors; the desk goes on.
  const base = { hovor: "desk", v: 1, type: "getState", payload: {} };
  expect(await raw(page, { ...base, id: "m1", v: 7 })).toMatchObject({ ok: false, error: { code: "unsupported_version" } });
  expect(await raw(page, { ...base, id: "m2", type: "launch" })).toMatchObject({ ok: false, error: { code: "unknown_type" } });
  expect(await raw(page, { ...base, id: "m3", type: "focusInteraction", payload: { interactionId: "seven" } })).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
  expect(await raw(page, { ...base, id: "m4", type: "notify", payload: { message: "x".repeat(20_000), level: "info" } })).toMatchObject({ ok: false, error: { code: "too_large" } });
  expect(await raw(page, { ...base, id: "m5", type: "hello", payload: { versions: [1], capabilities: [] } })).toMatchObject({ ok: false, error: { code: "unknown_type" } });
  expect(await raw(page, { type: "getState" }), "not a Hovor message: no answer").toBeNull();
  // More than 20 commands in a second: the rest are refused until the next second.
  const burst = await page.evaluate(async () => {
    const desk = (window as unknown as { crm: { desk: { getState: () => Promise<unknown> } } }).crm.desk;
    const all = Array.from({ length: 30 }, () => desk.getState().then(() => "ok", (e) => e.code));
    return Promise.all(all);
  });
  expect(burst.filter((r) => r === "rate_limited").length).toBeGreaterThanOrEqual(10);
  expect(burst.filter((r) => r === "ok").length).toBeLessThanOrEqual(20);
  await expect.poll(async () => (await command(page, "getState")).code ?? "ok", { message: "the next second takes commands again" }).toBe("ok");
  const state = await command(page, "getState");
  expect(state.result).toMatchObject({ signedIn: true, state: { state: "idle", reason: "break" } });
  expect(await command(page, "focusInteraction", 999_999)).toEqual({ code: "not_found" });
  await command(page, "notify", "Contact record saved in the CRM.", "info");
  await expect(frame.getByTestId("host-notice")).toContainText("Contact record saved in the CRM.");
  await frame.getByTestId("host-notice").getByRole("button").click();

  // Click-to-dial: the desk asks the agent first (dialling without the tap is off here), then the
  // number's phone rings and the call is the agent's.
  const phone = await (await browser.newContext()).newPage();
  await phone.goto(`${hovor.url}/phone?from=${encodeURIComponent("+420 777 000 102")}&lang=en`);
  await expect(phone.locator("#state")).toHaveAttribute("data-state", "idle");
  await page.getByRole("button", { name: "Call Petr Svoboda" }).click();
  // Asking to place it without the tap changes nothing where the deployment does not allow it.
  expect(await command(page, "dial", "+420 777 000 102", { autoPlace: true })).toEqual({ result: { placed: false, awaitingAgent: true } });
  const prompt = frame.getByTestId("host-dial");
  await expect(prompt).toContainText("+420 777 000 102");
  await page.screenshot({ path: "artifacts/screenshots/host-dial-prompt.png" });
  await prompt.getByTestId("host-dial-call").click();
  await expect(phone.locator("#state")).toHaveAttribute("data-state", "ringing", { timeout: 15_000 });
  await expect(frame.getByTestId("call-state")).toHaveAttribute("data-state", "ringing");
  await expect.poll(() => types(page)).toContain("interactionStarted");
  // The event names the phone by its last 4 digits only; the number goes to the screen pop alone.
  const started = (await log(page)).filter((m) => m.type === "interactionStarted").pop()!;
  expect((started.payload.interaction as { customer: { phoneLast4?: string } }).customer.phoneLast4).toBe("0102");
  expect(JSON.stringify(started.payload)).not.toContain("777");
  // The screen pop found the contact by the number and opened it in the CRM; the record it answered
  // with is linked to the call, in its session data.
  await expect(page.getByTestId("crm-record")).toContainText("Petr Svoboda");
  const callId = (started.payload.interaction as { interactionId: number }).interactionId;
  const callerApi = await api(hovor.url, "agent1");
  await expect.poll(async () => (await (await callerApi.get(`/api/conversations/${callId}/session`)).json()).parameters)
    .toContainEqual(expect.objectContaining({ key: "crm.example-crm.Contact", value: "C-1002" }));
  await callerApi.dispose();
  await phone.getByRole("button", { name: "Decline" }).click();
  await expect(frame.getByTestId("wrap-up")).toBeVisible();
  await frame.getByTestId("wrap-up").getByRole("radio").first().check();
  await frame.getByTestId("submit-wrap-up").click();
  await expect.poll(() => types(page)).toContain("wrapUpCompleted");

  // Compose from the host: an email of the agent's opens with the address and the subject filled in;
  // the host links its record to it, shown in the interaction's session data.
  const composed = await command(page, "compose", "petr.svoboda@example.cz", "Vaše objednávka");
  const emailId = (composed.result as { interactionId: number }).interactionId;
  await expect(frame.getByTestId("email-to")).toHaveValue("petr.svoboda@example.cz");
  await expect(frame.getByTestId("email-subject")).toHaveValue("Vaše objednávka");
  expect(await command(page, "compose", "not an address")).toEqual({ code: "invalid_payload" });
  const linked = await command(page, "linkRecord", emailId, { system: "example-crm", type: "Contact", id: "C-1002" });
  expect(linked).toEqual({ result: null });
  expect(await command(page, "linkRecord", 999_999, { system: "example-crm", type: "Contact", id: "C-1" })).toEqual({ code: "not_found" });
  const agentApi = await api(hovor.url, "agent1");
  const session = await (await agentApi.get(`/api/conversations/${emailId}/session`)).json();
  expect(session.parameters).toContainEqual(expect.objectContaining({ key: "crm.example-crm.Contact", value: "C-1002" }));
  await agentApi.dispose();
  expect(await command(page, "setData", emailId, { "no such key": "x" })).toEqual({ code: "invalid_payload" });

  // An offered chat through to its wrap-up: the host hears each step, in order.
  await command(page, "setAgentState", "available");
  const before = (await log(page)).length;
  const chat = await startChat(hovor.url, 1, "Eva Hostová");
  const secret = "Moje heslo je Sova-4321";
  expect((await chat.customer.post("/api/chat/messages", { data: { body: secret } })).status()).toBe(201);
  await expect(frame.getByTestId("offer")).toContainText("Eva Hostová");
  await frame.getByTestId("offer").getByTestId("accept").click();
  await expect(frame.getByTestId("composer")).toBeVisible();
  await frame.getByTestId("end-conversation").click();
  await frame.getByTestId("end-confirm").click();
  await frame.getByTestId("wrap-up").getByRole("radio").first().check();
  await frame.getByTestId("submit-wrap-up").click();
  await expect.poll(async () => (await types(page)).slice(before)).toContain("wrapUpCompleted");
  const steps = (await log(page)).slice(before);
  const chatId = chat.id;
  const about = steps.filter((m) => m.payload.interactionId === chatId || (m.payload.interaction as { interactionId?: number })?.interactionId === chatId);
  const order = about.map((m) => m.type).filter((t) => t !== "attentionRequested");
  expect(order).toEqual(["offerCreated", "offerEnded", "interactionStarted", "screenPop", "interactionFocused", "interactionEnded", "wrapUpCompleted"]);
  expect(about.find((m) => m.type === "offerEnded")!.payload.outcome).toBe("accepted");
  const wrapUp = about.find((m) => m.type === "wrapUpCompleted")!.payload;
  expect(wrapUp.handledMs as number).toBeGreaterThan(0);
  expect(wrapUp.focusMs as number).toBeGreaterThanOrEqual(0);
  // Events carry ids and names, never what the customer wrote.
  expect(JSON.stringify(steps)).not.toContain("Sova-4321");

  // The CRM page reloads: a new frame, a new handshake, and a sign-in again (the token lived in the
  // old frame's memory only). The CRM's server signs the agent in with an assertion for the nonce.
  await page.reload();
  await expect(page.locator("#desk-state")).toHaveAttribute("data-state", "signInRequired");
  const nonce = String((await log(page)).find((m) => m.type === "signInRequired")!.payload.nonce);
  expect(await command(page, "signIn", assertion("agent1", nonce, SECRET + "x"))).toEqual({ code: "forbidden" });
  await page.reload();
  await expect(page.locator("#desk-state")).toHaveAttribute("data-state", "signInRequired");
  const fresh = String((await log(page)).find((m) => m.type === "signInRequired")!.payload.nonce);
  expect(await command(page, "signIn", assertion("agent1", fresh, SECRET))).toEqual({ result: null });
  await expect(page.locator("#desk-state")).toHaveAttribute("data-state", "ready");
  await expect(frame.getByTestId("agent-status")).toBeVisible();
  await page.screenshot({ path: "artifacts/screenshots/host-crm-ready.png" });

  // Sign out from the host: the desk asks for a sign-in again, and tells why.
  expect(await command(page, "signOut")).toEqual({ result: null });
  await expect(page.locator("#desk-state")).toHaveAttribute("data-state", "signInRequired");
  expect((await log(page)).find((m) => m.type === "signedOut")!.payload.reason).toBe("user");
  await expect(frame.getByTestId("embed-sign-in")).toBeVisible();
  expect(deskFrame(page).url()).toContain("/login");
  await chat.customer.dispose();
  for (const p of [page, phone]) await p.context().close().catch(() => {});
});

test("a host that never answers: the desk says so after its greetings and works on its own", async () => {
  const page = await (await browser.newContext({ viewport: { width: 420, height: 720 } })).newPage();
  // A CRM page that frames the desk without the SDK: nobody answers `hello`.
  await page.goto(`${crm.origin}/plain`);
  const frame = page.frameLocator("iframe[title=Hovor]");
  await expect(frame.getByTestId("host-link")).toHaveAttribute("data-handshake", "greeting");
  await expect(frame.getByTestId("host-no-answer")).toBeVisible({ timeout: 15_000 });
  await expect(frame.getByTestId("embed-sign-in")).toBeVisible();
  await page.screenshot({ path: "artifacts/screenshots/host-no-answer.png" });
  await page.context().close();
});

/** What the CRM's server signs: an HS256 assertion for `username`, bound to the desk's nonce. */
function assertion(username: string, nonce: string, secret: string, issuer = crm.origin): string {
  const b64 = (data: string | Buffer) => Buffer.from(data).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const head = b64(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64(JSON.stringify({ iss: issuer, aud: "hovor-embed", sub: username, iat: now, exp: now + 60, jti: `j-${nonce}`, nonce }));
  const signature = createHmac("sha256", secret).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${signature}`;
}

test("the desk in a 360 and a 500 px CRM panel: an offer to its wrap-up, a call the host places, and the rest of the commands and events", async () => {
  test.setTimeout(180_000);
  // A deployment that lets its host place calls without the agent's tap.
  const panelCrm: MockCrm = await startMockCrm();
  const server = await OwnServer.start("host-api-panel", {
    HOVOR_EMBED_HOST_ORIGINS: panelCrm.origin,
    HOVOR_EMBED_ASSERTION_SECRET: SECRET,
    HOVOR_EMBED_AUTO_DIAL: "true",
  });
  panelCrm.hovor = server.url;
  const launch = launchWithMicrophone(1200);
  const withMicrophone = await chromium.launch({ ...launch, args: [...launch.args, "--test-third-party-cookie-phaseout"] });
  try {
    const page = await (await withMicrophone.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    const frame = page.frameLocator("iframe[title=Hovor]");
    const desk = () => {
      const found = page.frames().find((f) => f.url().startsWith(server.url));
      if (!found) throw new Error("no desk frame");
      return found;
    };
    const sideways = () => desk().evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    const signInByAssertion = async () => {
      await expect(page.locator("#desk-state")).toHaveAttribute("data-state", "signInRequired");
      const nonce = String((await log(page)).filter((m) => m.type === "signInRequired").pop()!.payload.nonce);
      expect(await command(page, "signIn", assertion("agent1", nonce, SECRET, panelCrm.origin))).toEqual({ result: null });
      await expect(page.locator("#desk-state")).toHaveAttribute("data-state", "ready");
    };

    await page.goto(`${panelCrm.origin}/?panel=360`);
    // Before the desk's handshake the SDK refuses a command at once instead of losing it.
    const early = await page.evaluate(async () => {
      const HovorDesk = (window as unknown as { HovorDesk: new (o: object) => { getState: () => Promise<unknown>; destroy: () => void } }).HovorDesk;
      const hovor = (window as unknown as { crm: { desk: { origin: string } } }).crm.desk.origin;
      const second = new HovorDesk({ hovorOrigin: hovor, container: document.body });
      const code = await second.getState().then(() => "ok", (e: { code: string }) => e.code);
      second.destroy();
      return code;
    });
    expect(early).toBe("not_ready");
    await signInByAssertion();
    expect(await page.locator("iframe[title=Hovor]").evaluate((f) => f.getBoundingClientRect().width)).toBe(360);
    expect(await sideways(), "no sideways scroll at 360 px").toBeLessThanOrEqual(0);

    // Custom data from the host, on one of the agent's conversations (their custom data has a Plan).
    const ready = (await log(page)).filter((m) => m.type === "ready").pop()!;
    const agentId = (ready.payload.agent as { id: number }).id;
    const own = (ready.payload.interactions as { interactionId: number; channel: string }[]).find((i) => i.channel !== "voice")!;
    // The task list opens over the conversation in the narrow panel.
    const tasksToggle = frame.locator('button[aria-controls="task-list"]');
    await tasksToggle.click();
    await expect(frame.getByTestId("task-list")).toBeInViewport();
    await expect(frame.locator(`#task-list a[href="/desk/${own.interactionId}"]`).first()).toBeInViewport();
    expect(await sideways()).toBeLessThanOrEqual(0);
    await page.screenshot({ path: "artifacts/screenshots/host-panel-360-tasks.png" });
    await tasksToggle.click();
    expect(await command(page, "setData", own.interactionId, { Plan: "Premium" })).toEqual({ result: null });
    const agentApi = await api(server.url, "agent1");
    const data = await (await agentApi.get(`/api/conversations/${own.interactionId}/session`)).json();
    expect(data.custom_data).toContainEqual({ key: "Plan", value: "Premium" });
    // Focus from the host opens it, and the host hears the focus.
    expect(await command(page, "focusInteraction", own.interactionId)).toEqual({ result: null });
    await expect.poll(() => desk().url()).toContain(`/desk/${own.interactionId}`);
    await expect.poll(async () => (await log(page)).filter((m) => m.type === "interactionFocused").map((m) => m.payload.interactionId)).toContain(own.interactionId);
    // The record the host has open: a hint the desk keeps and reports, nothing more.
    const contact = { system: "example-crm", type: "Contact", id: "C-1001", displayName: "Jana Nováková" };
    expect(await command(page, "contextChanged", contact)).toEqual({ result: null });
    expect((await command(page, "getState")).result).toMatchObject({ context: contact, focusedInteractionId: own.interactionId });

    // An offer in the 360 px panel: its popover fits, and the host hears who it is.
    await command(page, "setAgentState", "available");
    const before = (await log(page)).length;
    const chat = await startChat(server.url, 1, "Eva Hostová");
    await expect(frame.getByTestId("offer")).toContainText("Eva Hostová");
    await expect(frame.getByTestId("offer").getByTestId("accept")).toBeInViewport();
    expect(await sideways()).toBeLessThanOrEqual(0);
    await page.screenshot({ path: "artifacts/screenshots/host-panel-360-offer.png" });
    const offered = (await log(page)).slice(before).find((m) => m.type === "offerCreated")!;
    expect((offered.payload.interaction as { customer: { name?: string } }).customer.name).toBe("Eva Hostová");
    expect((await log(page)).slice(before)).toContainEqual({ type: "attentionRequested", payload: { interactionId: chat.id, kind: "offer" } });
    await frame.getByTestId("offer").getByTestId("accept").click();
    await expect(frame.getByTestId("composer")).toBeInViewport();
    expect(await sideways()).toBeLessThanOrEqual(0);
    // Hidden by the host, a customer's message asks for attention.
    expect(await command(page, "visibilityChanged", false)).toEqual({ result: null });
    expect((await chat.customer.post("/api/chat/messages", { data: { body: "Jste tam?" } })).status()).toBe(201);
    await expect.poll(async () => (await log(page)).slice(before)).toContainEqual({ type: "attentionRequested", payload: { interactionId: chat.id, kind: "message" } });
    expect(await command(page, "visibilityChanged", true)).toEqual({ result: null });
    await frame.getByTestId("end-conversation").click();
    await frame.getByTestId("end-confirm").click();
    await expect(frame.getByTestId("submit-wrap-up")).toBeVisible();
    expect(await sideways()).toBeLessThanOrEqual(0);
    await page.screenshot({ path: "artifacts/screenshots/host-panel-360-wrap-up.png" });
    await frame.getByTestId("wrap-up").getByRole("radio").first().check();
    await frame.getByTestId("submit-wrap-up").click();
    await expect.poll(async () => (await types(page)).slice(before)).toContain("wrapUpCompleted");
    await chat.customer.dispose();

    // 500 px, after the CRM page reloaded: the host places a call itself; the call's controls fit.
    await page.goto(`${panelCrm.origin}/?panel=500`);
    await signInByAssertion();
    // In Czech, whose words run longer.
    await frame.getByTestId("language").selectOption("cs");
    const phone = await (await withMicrophone.newContext()).newPage();
    await phone.goto(`${server.url}/phone?from=${encodeURIComponent("+420 777 000 102")}&lang=en`);
    await expect(phone.locator("#state")).toHaveAttribute("data-state", "idle");
    const placed = await command(page, "dial", "+420 777 000 102", { autoPlace: true });
    expect(placed.result).toMatchObject({ placed: true, interactionId: expect.any(Number) });
    await expect(phone.locator("#state")).toHaveAttribute("data-state", "ringing", { timeout: 15_000 });
    await phone.getByRole("button", { name: "Answer" }).click();
    await expect(frame.getByTestId("call-state")).toHaveAttribute("data-state", "connected");
    await expect(frame.getByTestId("call-audio")).toHaveAttribute("data-audio", "connected", { timeout: 15_000 });
    for (const control of ["call-hold", "call-mute", "call-consult"]) await expect(frame.getByTestId(control)).toBeInViewport();
    expect(await sideways()).toBeLessThanOrEqual(0);
    await page.screenshot({ path: "artifacts/screenshots/host-panel-500-call.png" });
    await phone.getByRole("button", { name: "Hang up" }).click();
    await frame.getByTestId("wrap-up").getByRole("radio").first().check();
    await frame.getByTestId("submit-wrap-up").click();
    await expect.poll(async () => (await types(page)).filter((t) => t === "wrapUpCompleted").length).toBeGreaterThan(0);

    // A supervisor signs the agent out: the host hears it was revoked.
    const supervisor = await api(server.url, "supervisor");
    expect((await supervisor.post(`/api/supervisor/agents/${agentId}/sign-out`)).ok()).toBe(true);
    await expect.poll(async () => (await log(page)).filter((m) => m.type === "signedOut").map((m) => m.payload.reason)).toEqual(["revoked"]);
    await supervisor.dispose();

    // The session expires (its last use five hours back): the next command finds it, the desk asks
    // for a sign-in, and the host hears it expired.
    await signInByAssertion();
    const hoursBack = 5 * 60 * 60 * 1000;
    execFileSync("python3", ["-c", `import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=10)
db.execute("UPDATE sessions SET last_seen_at = last_seen_at - ?, created_at = created_at - ? WHERE user_id = ?", (${hoursBack}, ${hoursBack}, ${agentId}))
db.commit()`, server.database]);
    expect(await command(page, "setAgentState", "available")).toEqual({ code: "not_signed_in" });
    await expect(page.locator("#desk-state")).toHaveAttribute("data-state", "signInRequired");
    expect((await log(page)).filter((m) => m.type === "signedOut").map((m) => m.payload.reason)).toEqual(["revoked", "expired"]);

    // The desk's page reloads: it says bye, the SDK holds commands until the new handshake.
    const heardBye = await page.evaluate(async () => {
      const crm = (window as unknown as { crm: { desk: { frame: HTMLIFrameElement; getState: () => Promise<unknown> }; log: { type: string }[] } }).crm;
      crm.desk.frame.src = crm.desk.frame.src;
      for (let i = 0; i < 200 && !crm.log.some((m) => m.type === "bye"); i++) await new Promise((r) => setTimeout(r, 25));
      const code = await crm.desk.getState().then(() => "ok", (e: { code: string }) => e.code);
      return { code, types: crm.log.map((m) => m.type).slice(-6) };
    });
    expect(heardBye).toEqual({ code: "not_ready", types: expect.arrayContaining(["bye"]) });
    await expect(page.locator("#desk-state")).toHaveAttribute("data-state", "signInRequired");
    expect((await command(page, "getState")).result).toMatchObject({ signedIn: false, handshake: "connected" });
    // A desk that never answers (its frame gone): the command times out.
    const silent = await page.evaluate(async () => {
      const desk = (window as unknown as { crm: { desk: { frame: HTMLIFrameElement; replyTimeoutMs: number; getState: () => Promise<unknown> } } }).crm.desk;
      desk.replyTimeoutMs = 500;
      desk.frame.remove();
      return desk.getState().then(() => "ok", (e: { code: string }) => e.code);
    });
    expect(silent).toBe("timeout");
    await agentApi.dispose();
  } finally {
    await withMicrophone.close();
    await server.down();
    await panelCrm.close();
  }
});
