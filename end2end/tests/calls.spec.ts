import { expect, PASSWORD, test, waitInChatPage } from "./fixtures";
import { hears, hearsHoldMusic, levels, Parties, silentAt } from "./audio";
import { OwnServer } from "./own-server";

// A real call through the server's media switch, each party in a Chromium of its own whose microphone
// plays its own tone: the customer on the phone page 660 Hz, the agent's headset 440 Hz. Each page
// reports what it hears; a tone counts as heard 30 dB above the other.
const CUSTOMER_HZ = 660;
const AGENT_HZ = 440;
// The demo's Technical support entry point; agent1 works that queue.
const TECHNICAL_SUPPORT = "+420 800 100 102";

let server: OwnServer;
const parties = new Parties();
const party = (hz: number) => parties.open(hz);
const errors = parties.errors;

test.beforeAll(async () => {
  server = await OwnServer.start("calls");
});

test.afterAll(async () => {
  await parties.close();
  await server.down();
});

test("a customer calls a queue, waits with music, the agent accepts, both hear each other, hold plays music to the customer only, and End hangs up the phone", async () => {
  test.setTimeout(120_000);
  const phone = await party(CUSTOMER_HZ);
  const desk = await party(AGENT_HZ);

  // The agent signs in and is Available; nothing rings yet.
  await desk.goto(`${server.url}/login`);
  await desk.getByLabel(/user name/i).fill("agent1");
  await desk.getByLabel(/password/i).fill(PASSWORD);
  await desk.getByRole("button", { name: "Sign in" }).click();
  await expect(desk).toHaveURL(/\/desk$/);
  const status = await desk.request.put(`${server.url}/api/me/status`, { data: { state: "available" } });
  expect(status.ok()).toBe(true);

  // The customer dials the queue's number: they wait, hearing the queue's music.
  await phone.goto(`${server.url}/phone?from=%2B420777123456&to=${encodeURIComponent(TECHNICAL_SUPPORT)}&lang=en`);
  await expect(phone.getByRole("heading", { name: "Hovor phone" })).toBeVisible();
  await phone.getByRole("button", { name: "Call" }).click();
  const phoneState = phone.locator("#state");
  await expect(phoneState).toHaveAttribute("data-state", /waiting|connected/);

  // Offered like a chat: the popover names a call; Accept answers it and opens the control pane.
  await expect(desk.getByTestId("accept")).toBeVisible({ timeout: 15_000 });
  // The headset connects while the call rings, and hears no one before Accept.
  await expect(desk.getByTestId("accept")).toHaveAttribute("data-headset", "connected", { timeout: 15_000 });
  await expect(phoneState).toHaveAttribute("data-state", "waiting");
  expect(await silentAt(desk, CUSTOMER_HZ), "a ringing desk hears no one").toBe(true);
  await desk.getByTestId("accept").click();
  const pane = desk.getByTestId("call-pane");
  await expect(pane).toBeVisible();
  await expect(desk.getByTestId("call-state")).toHaveAttribute("data-state", "connected");
  await expect(desk.getByTestId("call-audio")).toHaveAttribute("data-audio", "connected", { timeout: 15_000 });
  await expect(phoneState).toHaveAttribute("data-state", "connected");
  await expect(desk.getByTestId("call-timer")).toHaveText(/^\d+:\d\d$/);
  // No signing out during a call: the button says why.
  await expect(desk.getByTestId("sign-out")).toBeDisabled();
  await expect(desk.getByTestId("sign-out")).toHaveAttribute("title", "End the call before signing out.");

  // Both hear each other.
  await expect.poll(() => hears(desk, CUSTOMER_HZ, AGENT_HZ), { message: "the agent hears the customer", timeout: 15_000 }).toBe(true);
  await expect.poll(() => hears(phone, AGENT_HZ, CUSTOMER_HZ), { message: "the customer hears the agent", timeout: 15_000 }).toBe(true);
  await desk.screenshot({ path: "artifacts/screenshots/call-connected-1366x768.png" });

  // The call's data: a date that is not RFC 3339 is refused beside its field before anything is sent;
  // saved values come back with Retrieve; the secure card digits stay masked until shown.
  const data = desk.getByTestId("call-data");
  const datum = (name: string) => data.locator(`[data-testid="call-datum"][data-name="${name}"]`);
  await expect(data.getByTestId("call-datum")).toHaveCount(3);
  await datum("case_number").getByRole("textbox").fill("CAS-02277");
  await datum("call_back_at").getByRole("textbox").fill("tomorrow at ten");
  await datum("card_last_digits").getByRole("textbox").fill("4242");
  await data.getByTestId("call-data-save").click();
  await expect(datum("call_back_at").getByTestId("call-data-note")).toHaveText("This is not in the expected form.");
  await datum("call_back_at").getByRole("textbox").fill("2026-12-07T10:00:00+01:00");
  await data.getByTestId("call-data-save").click();
  await expect(datum("call_back_at").getByTestId("call-data-note")).toBeEmpty();
  await data.getByTestId("call-data-retrieve").click();
  await expect(datum("case_number").getByRole("textbox")).toHaveValue("CAS-02277");
  await expect(datum("call_back_at").getByRole("textbox")).toHaveValue("2026-12-07T10:00:00+01:00");
  await expect(datum("card_last_digits").getByRole("textbox")).toHaveValue("********");
  await datum("card_last_digits").getByTestId("call-data-reveal").click();
  await expect(datum("card_last_digits").getByRole("textbox")).toHaveValue("4242");

  // Hold: the phone says so and no longer hears the agent; the agent no longer hears the customer.
  await desk.getByTestId("call-hold").click();
  await expect(desk.getByTestId("call-state")).toHaveAttribute("data-state", "on_hold");
  await expect(desk.getByTestId("call-hold")).toHaveText("Resume");
  await expect(phoneState).toHaveAttribute("data-state", "on_hold");
  await expect.poll(async () => (await levels(phone, [AGENT_HZ]))[AGENT_HZ], { message: "the held customer no longer hears the agent", timeout: 15_000 }).toBeLessThan(-60);
  await expect.poll(async () => (await levels(desk, [CUSTOMER_HZ]))[CUSTOMER_HZ], { message: "the agent does not hear the held customer", timeout: 15_000 }).toBeLessThan(-60);

  // A held call cannot be ended: the desk says why and the call goes on.
  await desk.getByTestId("end-conversation").click();
  await desk.getByTestId("end-confirm").click();
  await expect(desk.getByTestId("end-error")).toHaveText("The call is on hold: resume it before ending it.");
  await expect(phoneState).toHaveAttribute("data-state", "on_hold");
  await desk.screenshot({ path: "artifacts/screenshots/call-on-hold-1366x768.png" });

  // Resume: they hear each other again.
  await desk.getByTestId("call-hold").click();
  await expect(phoneState).toHaveAttribute("data-state", "connected");
  await expect.poll(() => hears(phone, AGENT_HZ, CUSTOMER_HZ), { message: "the customer hears the agent again", timeout: 15_000 }).toBe(true);

  // The agent's page goes away mid-call: the customer hears hold music, not silence; back on the
  // conversation, the headset connects again and they hear each other.
  const conversation = desk.url();
  await desk.goto("about:blank");
  await expect.poll(() => hearsHoldMusic(phone, AGENT_HZ), { message: "the customer hears hold music while the desk is away", timeout: 15_000 }).toBe(true);
  await expect(phoneState).toHaveAttribute("data-state", "connected");
  await desk.goto(conversation);
  await expect(desk.getByTestId("call-audio")).toHaveAttribute("data-audio", "connected", { timeout: 15_000 });
  await expect.poll(() => hears(phone, AGENT_HZ, CUSTOMER_HZ), { message: "the customer hears the agent who came back", timeout: 15_000 }).toBe(true);

  // The agent reloads the page mid-call: the call goes on, and the headset hears the customer again.
  const reloaded = Date.now();
  await desk.reload();
  await expect(desk.getByTestId("call-audio")).toHaveAttribute("data-audio", "connected", { timeout: 15_000 });
  await expect.poll(() => hears(desk, CUSTOMER_HZ, AGENT_HZ), { message: "the agent hears the customer after a reload", timeout: 15_000 }).toBe(true);
  test.info().annotations.push({ type: "reload → the customer heard again", description: `${Date.now() - reloaded} ms` });
  await expect.poll(() => hears(phone, AGENT_HZ, CUSTOMER_HZ), { message: "the customer hears the agent after the reload", timeout: 15_000 }).toBe(true);
  await expect(phoneState).toHaveAttribute("data-state", "connected");

  // Mute: the customer no longer hears the agent; the badge says Muted.
  await desk.getByTestId("call-mute").click();
  await expect(desk.getByTestId("call-muted")).toBeVisible();
  await expect.poll(async () => (await levels(phone, [AGENT_HZ]))[AGENT_HZ], { message: "a muted agent is not heard", timeout: 15_000 }).toBeLessThan(-60);
  await desk.getByTestId("call-mute").click();
  await expect(desk.getByTestId("call-muted")).toHaveCount(0);

  // Technical support records its calls: the pane says so; a pause is shown with its end, and
  // Resume records again.
  const recording = desk.getByTestId("call-recording");
  await expect(recording).toHaveAttribute("data-state", "on");
  await expect(recording).toHaveText("Recording");
  await desk.getByTestId("call-record-pause").click();
  await expect(recording).toHaveAttribute("data-state", "paused");
  await expect(recording).toContainText("Recording paused until");
  await desk.screenshot({ path: "artifacts/screenshots/call-recording-paused-1366x768.png" });
  await desk.getByTestId("call-record-pause").click();
  await expect(recording).toHaveAttribute("data-state", "on");

  // End: the phone hangs up and the desk moves on to the wrap-up.
  await desk.getByTestId("end-conversation").click();
  await desk.getByTestId("end-confirm").click();
  await expect(phoneState).toHaveAttribute("data-state", "ended");
  await expect(desk.getByTestId("conversation-ended")).toBeVisible();
  await expect(desk.getByTestId("sign-out")).toBeEnabled();

  // The recording is listed with the interaction's activities and plays in the page: an Ogg file.
  await desk.getByTestId("summary").getByRole("tab", { name: "Activities" }).click();
  const listed = desk.getByTestId("recording");
  await expect(listed).toHaveCount(1);
  const source = await listed.locator("audio").getAttribute("src");
  const audio = await desk.request.get(`${server.url}${source}`);
  expect(audio.status()).toBe(200);
  expect(audio.headers()["content-type"]).toBe("audio/ogg");
  expect((await audio.body()).subarray(0, 4).toString()).toBe("OggS");
  // And on the conversation's timeline, where it plays too, as soon as the call is over.
  const onTimeline = desk.getByTestId("timeline-recording");
  await expect(onTimeline).toHaveCount(1);
  await expect(onTimeline.locator("audio")).toHaveAttribute("src", source!);
  await desk.screenshot({ path: "artifacts/screenshots/call-recording-timeline-1366x768.png" });

  for (const page of [phone, desk]) expect(errors.get(page), "uncaught errors in the page").toEqual([]);
});

test("the phone page says beside the field when a number is not answered", async () => {
  const phone = await party(CUSTOMER_HZ);
  await phone.goto(`${server.url}/phone?lang=cs&to=%2B420800999999`);
  await phone.getByRole("button", { name: "Volat" }).click();
  await expect(phone.locator("#dial-number-error")).toHaveText("Na tomto čísle nikdo neodpovídá. Zkontrolujte ho a volejte znovu.");
  await expect(phone.locator("#dial-number")).toHaveAttribute("aria-invalid", "true");
  await expect(phone.locator("#state")).toHaveAttribute("data-state", "idle");
});

test("Start call on the customer card rings the customer's phone page, which answers: both hear each other", async () => {
  test.setTimeout(120_000);
  const desk = await party(AGENT_HZ);
  const phone = await party(CUSTOMER_HZ);
  await desk.goto(`${server.url}/login`);
  await desk.getByLabel(/user name/i).fill("agent2");
  await desk.getByLabel(/password/i).fill(PASSWORD);
  await desk.getByRole("button", { name: "Sign in" }).click();
  await expect(desk).toHaveURL(/\/desk$/);
  // One of the agent's conversations whose customer has a default phone: the phone page owns it.
  const tasks = await (await desk.request.get(`${server.url}/api/tasks`)).json();
  let target: { id: number; number: string } | undefined;
  for (const task of tasks) {
    const card = await (await desk.request.get(`${server.url}/api/conversations/${task.id}/customer`)).json();
    const phoneNumber = card.contact?.phones?.find((p: { is_default: boolean }) => p.is_default)?.value;
    if (phoneNumber && task.channel !== "voice") {
      target = { id: task.id, number: phoneNumber };
      break;
    }
  }
  expect(target, "a conversation with a callable customer").toBeDefined();
  await phone.goto(`${server.url}/phone?from=${encodeURIComponent(target!.number)}&lang=en`);
  const phoneState = phone.locator("#state");
  await expect(phoneState).toHaveAttribute("data-state", "idle");

  await desk.goto(`${server.url}/desk/${target!.id}`);
  await desk.getByTestId("card-options").click();
  await desk.getByTestId("start-call").click();
  await expect(desk.getByTestId("call-state")).toHaveAttribute("data-state", "ringing");
  await expect(desk.getByTestId("call-state")).toHaveText("Calling the customer…");

  // The phone page rings with who calls; Answer connects it.
  await expect(phoneState).toHaveAttribute("data-state", "ringing", { timeout: 15_000 });
  await expect(phoneState).toHaveText(/Incoming call from /);
  await expect(phone.getByRole("button", { name: "Answer" })).toBeFocused();
  await phone.screenshot({ path: "artifacts/screenshots/phone-ringing.png" });
  await phone.getByRole("button", { name: "Answer" }).click();
  await expect(phoneState).toHaveAttribute("data-state", "connected");
  await expect(desk.getByTestId("call-state")).toHaveAttribute("data-state", "connected");
  await expect(desk.getByTestId("call-audio")).toHaveAttribute("data-audio", "connected", { timeout: 15_000 });
  await expect.poll(() => hears(desk, CUSTOMER_HZ, AGENT_HZ), { message: "the agent hears the customer", timeout: 15_000 }).toBe(true);
  await expect.poll(() => hears(phone, AGENT_HZ, CUSTOMER_HZ), { message: "the customer hears the agent", timeout: 15_000 }).toBe(true);

  await phone.getByRole("button", { name: "Hang up" }).click();
  await expect(desk.getByTestId("conversation-ended")).toBeVisible();
  for (const page of [phone, desk]) expect(errors.get(page), "uncaught errors in the page").toEqual([]);
});

test("a chat customer presses Call us: the call carries the chat's name, the agent answers it, both hear each other", async () => {
  test.setTimeout(90_000);
  // A server of its own: the phone pages above used up this address's burst of calls.
  const server = await OwnServer.start("call-us");
  try {
    const customer = await party(CUSTOMER_HZ);
    const desk = await party(AGENT_HZ);
    // Emily Carter works Technical support too.
    await desk.goto(`${server.url}/login`);
    await desk.getByLabel(/user name/i).fill("agent5");
    await desk.getByLabel(/password/i).fill(PASSWORD);
    await desk.getByRole("button", { name: "Sign in" }).click();
    await expect(desk).toHaveURL(/\/desk$/);

    // The customer chats with Technical support and presses Call us.
    const queues = await (await desk.request.get(`${server.url}/api/chat/queues/2`)).json();
    expect(queues.queue_name).toBe("Technical support");
    await waitInChatPage(customer, server.url, 2);
    const call = customer.getByTestId("chat-call");
    await customer.getByRole("button", { name: "Call us" }).click();
    await expect(call).toHaveAttribute("data-state", "waiting");
    await expect(customer.getByTestId("call-state")).toHaveText("Waiting for an agent, please hold");
    await expect.poll(() => hearsHoldMusic(customer, AGENT_HZ), { message: "the caller hears the queue's music", timeout: 15_000 }).toBe(true);

    // The agent becomes Available: the call is offered with the chat's name, and answered.
    expect((await desk.request.put(`${server.url}/api/me/status`, { data: { state: "available" } })).ok()).toBe(true);
    const offer = desk.locator('[data-testid="offer"][data-channel="voice"]');
    await expect(offer).toContainText("Jana Nováková", { timeout: 15_000 });
    await offer.getByTestId("accept").click();
    await expect(desk.getByTestId("call-audio")).toHaveAttribute("data-audio", "connected", { timeout: 15_000 });
    await expect(call).toHaveAttribute("data-state", "connected");
    await expect.poll(() => hears(customer, AGENT_HZ, CUSTOMER_HZ), { message: "the customer hears the agent", timeout: 15_000 }).toBe(true);
    await expect.poll(() => hears(desk, CUSTOMER_HZ, AGENT_HZ), { message: "the agent hears the customer", timeout: 15_000 }).toBe(true);
    await customer.screenshot({ path: "artifacts/screenshots/chat-call-us-connected.png" });

    // The customer hangs up from the chat page.
    await customer.getByTestId("call-hang-up").click();
    await expect(call).toHaveAttribute("data-state", "ended");
    await expect(desk.getByTestId("conversation-ended")).toBeVisible();
    for (const page of [customer, desk]) expect(errors.get(page), "uncaught errors in the page").toEqual([]);
  } finally {
    await server.down();
  }
});
