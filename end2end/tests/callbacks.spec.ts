import { execFileSync } from "node:child_process";
import { test, expect, signInAt, api, PASSWORD } from "./fixtures";
import { hears, Parties } from "./audio";
import { OwnServer } from "./own-server";

// Callbacks from the desk, on a server of their own: an agent schedules a personal callback for a
// teammate from a chat in the customer's time zone, sees the window in both zones, is told beside the
// field what breaks a rule, reschedules it to the same time next day, edits and deletes it; the
// teammate's own list has it meanwhile. The pane's words come in every language.

/** `YYYY-MM-DD` in Prague, `days` from now. */
const pragueDate = (days: number) =>
  new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Prague" }).format(Date.now() + days * 86_400_000);

test("an agent schedules, reschedules, edits and deletes a personal callback from a chat", async ({ page }) => {
  test.setTimeout(90_000);
  const server = await OwnServer.start("callbacks");
  try {
    const agent = await api(server.url, "agent1");
    const [task] = await (await agent.get("/api/tasks")).json();
    await page.setViewportSize({ width: 1366, height: 768 });
    await signInAt(page, server.url, "agent1");
    await page.goto(`${server.url}/desk/${task.id}`);
    await page.getByTestId("side-callbacks").click();
    const pane = page.getByTestId("callbacks");
    const form = pane.getByTestId("callback-form");
    await expect(form).toBeVisible();
    // The customer's name comes from the record; the zone from the conversation (or the agent's own).
    await expect(form.getByTestId("callback-name")).not.toHaveValue("");
    await expect(form.getByTestId("callback-time_zone")).not.toHaveValue("");

    // A rule broken in the browser: beside its field, which takes the focus.
    await form.getByTestId("callback-phone").fill("602 12");
    await form.getByTestId("callback-date").fill(pragueDate(2));
    await form.getByTestId("callback-start").fill("10:00");
    await form.getByTestId("callback-end").fill("11:00");
    await form.getByTestId("callback-time_zone").fill("Europe/Prague");
    await form.getByTestId("callback-submit").click();
    await expect(form.locator('[data-field="phone"]')).toHaveText("At least 7 characters.");
    await expect(form.getByTestId("callback-phone")).toBeFocused();
    await form.getByTestId("callback-phone").fill("+420 602 123");
    await form.getByTestId("callback-end").fill("09:00");
    await form.getByTestId("callback-submit").click();
    await expect(form.locator('[data-field="end"]')).toHaveText("The end must be after the start.");
    await form.getByTestId("callback-end").fill("11:00");
    await form.getByTestId("callback-time_zone").fill("Europe/Praha");
    await form.getByTestId("callback-submit").click();
    await expect(form.locator('[data-field="time_zone"]')).toContainText("Europe/Prague");
    await form.getByTestId("callback-time_zone").fill("Europe/Prague");

    // The window in the customer's zone and the agent's (the browser's) as it is typed.
    await expect(form.getByTestId("callback-preview")).toContainText("10:00 AM–11:00 AM customer's time (Europe/Prague)");
    await expect(form.getByTestId("callback-preview")).toContainText(/your time \(.+\)/);

    // Personal, for a teammate of the queue.
    const assignee = form.getByTestId("callback-assignee");
    const teammate = await assignee.locator("option").nth(2).textContent();
    await assignee.selectOption({ label: teammate! });
    await form.getByTestId("callback-reason").fill("Invoice question");
    await form.getByTestId("callback-submit").click();
    await expect(pane.getByTestId("callbacks-notice")).toContainText("Callback scheduled");
    const row = pane.getByTestId("callback");
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(`personal, for ${teammate}`);
    await expect(row).toContainText("Agreed in this conversation");
    await expect(row.getByTestId("callback-window")).toContainText("10:00 AM–11:00 AM customer's time (Europe/Prague)");

    // The server has it as shown: 10:00 in Prague, for the teammate.
    const [stored] = await (await agent.get(`/api/callbacks?conversation_id=${task.id}`)).json();
    expect([stored.date, stored.start, stored.time_zone, stored.assignee.name]).toEqual([pragueDate(2), "10:00", "Europe/Prague", teammate]);

    // Same time next day: 24 hours on (no daylight-saving change in these days), still 10:00 there.
    await row.getByTestId("callback-reschedule").click();
    await row.getByTestId("reschedule-next-day").click();
    await expect(pane.getByTestId("callbacks-notice")).toContainText("Callback moved");
    const [moved] = await (await agent.get(`/api/callbacks?conversation_id=${task.id}`)).json();
    expect(moved.date).toBe(pragueDate(3));
    // A new window too soon is refused on the row, in words.
    await row.getByTestId("callback-reschedule").click();
    await row.getByTestId("reschedule-date").fill(pragueDate(0));
    await row.getByTestId("reschedule-start").fill("00:00");
    await row.getByTestId("reschedule-end").fill("00:30");
    await row.getByTestId("reschedule-move").click();
    await expect(row.getByRole("alert")).toHaveText("At least 30 minutes from now.");

    // Edit: the form holds it; the change is saved.
    await row.getByTestId("callback-edit").click();
    await expect(form.getByTestId("callback-reason")).toHaveValue("Invoice question");
    await form.getByTestId("callback-reason").fill("Refund of the March invoice");
    await form.getByTestId("callback-submit").click();
    await expect(pane.getByTestId("callbacks-notice")).toHaveText("Callback changed.");
    await expect(row).toContainText("Refund of the March invoice");

    // Delete asks first.
    await row.getByTestId("callback-delete").click();
    await row.getByTestId("callback-delete-confirm").click();
    await expect(pane.getByTestId("callbacks-none")).toBeVisible();
    expect(await (await agent.get(`/api/callbacks?conversation_id=${task.id}`)).json()).toEqual([]);

    // The pane's words in every language.
    for (const [language, tab] of [["cs", "Naplánovat zpětné volání"], ["bg", "Насрочване на обратно обаждане"], ["uk", "Запланувати зворотний дзвінок"]]) {
      await page.getByTestId("language").first().selectOption(language);
      await expect(pane.getByRole("tab").first()).toHaveText(tab);
    }
  } finally {
    await server.finish(page);
  }
});

// Each party in a Chromium of its own whose microphone plays its own tone.
const CUSTOMER_HZ = 660;
const AGENT_HZ = 440;

/** Emily Carter's desk (she works Technical support, which takes calls on +420 800 100 102), signed
 * in, and a phone page. */
async function agentAndPhone(parties: Parties, server: OwnServer) {
  const desk = await parties.open(AGENT_HZ);
  const phone = await parties.open(CUSTOMER_HZ);
  await desk.goto(`${server.url}/login`);
  await desk.getByLabel(/user name/i).fill("agent5");
  await desk.getByLabel(/password/i).fill(PASSWORD);
  await desk.getByRole("button", { name: "Sign in" }).click();
  await expect(desk).toHaveURL(/\/desk$/);
  return { desk, phone };
}

test("a callback's window opens while the server is down: after the restart it is offered once as a Callback, Accept rings the customer's phone page and both hear each other", async () => {
  test.setTimeout(120_000);
  const parties = new Parties();
  const server = await OwnServer.start("callback-placing");
  try {
    const { desk, phone } = await agentAndPhone(parties, server);
    const scheduled = await desk.request.post(`${server.url}/api/callbacks`, {
      data: {
        phone: "777 555 123", name: "Jana Nováková", date: pragueDate(1), start: "10:00", end: "12:00",
        time_zone: "Europe/Prague", queue_id: 2, reason: "Router replacement",
      },
    });
    expect(scheduled.status()).toBe(201);
    const callback = await scheduled.json();

    // Time passes while the server is down: the window has opened when it starts again. The desk
    // leaves first, so nothing it prefetches fails against the stopped server.
    await desk.goto("about:blank");
    await server.down();
    const now = Date.now();
    execFileSync("sqlite3", [server.database, `UPDATE callbacks SET starts_at = ${now - 60_000}, ends_at = ${now + 3_600_000} WHERE id = ${callback.id}`]);
    await server.up();

    await phone.goto(`${server.url}/phone?from=${encodeURIComponent("777 555 123")}&lang=en`);
    const phoneState = phone.locator("#state");
    await expect(phoneState).toHaveAttribute("data-state", "idle");
    await desk.goto(`${server.url}/desk`);
    expect((await desk.request.put(`${server.url}/api/me/status`, { data: { state: "available" } })).ok()).toBe(true);

    // The popover says Callback, with the customer's number (masked by the queue) and the number dialled.
    const offer = desk.locator('[data-testid="offer"][data-callback="true"]');
    await expect(offer.getByRole("heading")).toHaveText("Callback", { timeout: 15_000 });
    await expect(offer.getByTestId("callback-number")).toHaveText("•••• 5123");
    await expect(offer.getByTestId("callback-dialled")).toHaveText("420800100102");
    await desk.screenshot({ path: "artifacts/screenshots/callback-offer.png" });
    await offer.getByTestId("accept").click();

    // Accept dials the customer: the phone page rings, answers, and both hear each other.
    await expect(phoneState).toHaveAttribute("data-state", "ringing", { timeout: 15_000 });
    await phone.getByRole("button", { name: "Answer" }).click();
    await expect(phoneState).toHaveAttribute("data-state", "connected");
    await expect(desk.getByTestId("call-state")).toHaveAttribute("data-state", "connected");
    await expect(desk.getByTestId("callback-reason")).toHaveText("Callback: Router replacement");
    await expect(desk.getByTestId("call-audio")).toHaveAttribute("data-audio", "connected", { timeout: 15_000 });
    await expect.poll(() => hears(desk, CUSTOMER_HZ, AGENT_HZ), { message: "the agent hears the customer", timeout: 15_000 }).toBe(true);
    await expect.poll(() => hears(phone, AGENT_HZ, CUSTOMER_HZ), { message: "the customer hears the agent", timeout: 15_000 }).toBe(true);

    // Placed once: one call, and the callback says so.
    const sql = (query: string) => execFileSync("sqlite3", [server.database, query]).toString().trim();
    expect(sql(`SELECT state || ' ' || attempts FROM callbacks WHERE id = ${callback.id}`)).toBe("placed 1");
    expect(sql("SELECT COUNT(*) FROM conversations WHERE caller_number = '777 555 123'")).toBe("1");
    await phone.getByRole("button", { name: "Hang up" }).click();
    await expect(desk.getByTestId("conversation-ended")).toBeVisible();
    for (const page of [phone, desk]) expect(parties.errors.get(page), "uncaught errors in the page").toEqual([]);
  } finally {
    await parties.close();
    await server.down();
  }
});

test("a caller waiting in the queue presses Call me back instead: the agent is offered a Callback, and Accept rings the caller's phone page", async () => {
  test.setTimeout(120_000);
  const parties = new Parties();
  const server = await OwnServer.start("callback-courtesy");
  try {
    const { desk, phone } = await agentAndPhone(parties, server);

    // The caller waits (nobody is Available), then asks to be called back.
    await phone.goto(`${server.url}/phone?from=${encodeURIComponent("+420 777 000 222")}&to=${encodeURIComponent("+420 800 100 102")}&lang=cs`);
    await phone.getByRole("button", { name: "Volat" }).click();
    const phoneState = phone.locator("#state");
    await expect(phoneState).toHaveAttribute("data-state", "waiting");
    await phone.getByRole("button", { name: "Raději mi zavolejte zpět" }).click();
    await expect(phoneState).toHaveAttribute("data-state", "callback");
    await expect(phoneState).toHaveText("Zavoláme vám zpět na číslo 420777000222. Své místo ve frontě si ponecháváte.");
    await expect(phone.getByRole("button", { name: "Raději mi zavolejte zpět" })).toBeHidden();

    // The agent becomes Available: a Callback; Accept rings the caller, who answers.
    expect((await desk.request.put(`${server.url}/api/me/status`, { data: { state: "available" } })).ok()).toBe(true);
    const offer = desk.locator('[data-testid="offer"][data-callback="true"]');
    await expect(offer.getByRole("heading")).toHaveText("Callback", { timeout: 15_000 });
    await offer.getByTestId("accept").click();
    await expect(phoneState).toHaveAttribute("data-state", "ringing", { timeout: 15_000 });
    await phone.getByRole("button", { name: "Přijmout" }).click();
    await expect(phoneState).toHaveAttribute("data-state", "connected");
    await expect(desk.getByTestId("call-state")).toHaveAttribute("data-state", "connected");
    await expect(desk.getByTestId("call-audio")).toHaveAttribute("data-audio", "connected", { timeout: 15_000 });
    await expect.poll(() => hears(desk, CUSTOMER_HZ, AGENT_HZ), { message: "the agent hears the caller", timeout: 15_000 }).toBe(true);
    for (const page of [phone, desk]) expect(parties.errors.get(page), "uncaught errors in the page").toEqual([]);
  } finally {
    await parties.close();
    await server.down();
  }
});
