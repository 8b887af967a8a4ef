import { createHmac } from "node:crypto";
import { createServer, Server } from "node:http";
import { Browser, Page, request as playwrightRequest } from "@playwright/test";
import { test, expect, PASSWORD, signInAt } from "./fixtures";
import { OwnServer, IDENTITY_SECRET } from "./own-server";

async function becomeAvailable(page: Page) {
  await page.getByTestId("agent-status").selectOption("available");
  await expect(page.getByTestId("agent-status")).toHaveValue("available");
  // The select shows the choice at once; the header marks it once the server holds it.
  await expect(page.locator("label", { has: page.getByTestId("agent-status") })).toHaveAttribute("data-available", "true");
}

/** What a host site's server does: sign the customer's identity with the shared secret. */
function signedIdentity(name: string, email: string) {
  const identity = { id: "shop-4711", name, email, issued_at: Date.now() };
  const text = `${identity.id}|${identity.name}|${identity.email}|${identity.issued_at}`;
  return { ...identity, signature: createHmac("sha256", IDENTITY_SECRET).update(text).digest("hex") };
}

/**
 * The host site: its own origin (another port on loopback) with a page that loads Hovor's SDK,
 * reports what the customer did, and opens the chat. `hovor` is set once Hovor's server runs.
 */
class HostSite {
  hovor = "";
  queue = 0;
  identity: object = {};
  private constructor(private readonly server: Server, readonly origin: string) {}

  static async start(): Promise<HostSite> {
    let site: HostSite | undefined;
    const server = createServer((_, response) => {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(site!.page());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    site = new HostSite(server, `http://localhost:${(server.address() as { port: number }).port}`);
    return site;
  }

  page() {
    return `<!doctype html><html lang="cs"><head><title>Shop</title><script src="${this.hovor}/chat/sdk.js"></script></head>
      <body><h1>Shop</h1><button id="chat">Chat</button>
      <script>
        Hovor.recordSelfService("page_visited", "/objednavky/4711");
        Hovor.recordSelfService("search_phrase", "vrácení zboží");
        Hovor.recordSelfService("article_viewed", "Jak vrátit zboží");
        Hovor.identify(${JSON.stringify(this.identity)});
        Hovor.setContextProvider(() => ({ "Cart total": "1 290 Kč", "Loyalty level": "Gold" }));
        document.getElementById("chat").addEventListener("click", () => Hovor.openChat(${this.queue}, { language: "en" }));
      </script></body></html>`;
  }

  /** A customer in Prague with a Czech browser opens the shop and the chat. */
  async open(browser: Browser) {
    const context = await browser.newContext({ locale: "cs-CZ", timezoneId: "Europe/Prague" });
    const host = await context.newPage();
    await host.goto(`${this.origin}/objednavky/4711`);
    const [chat] = await Promise.all([context.waitForEvent("page"), host.locator("#chat").click()]);
    await chat.waitForLoadState();
    return { context, chat };
  }

  close() {
    this.server.close();
  }
}

test("a customer chats from the host site, the agent accepts and answers, a server restart loses nothing, the agent wraps up", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const site = await HostSite.start();
  const server = await OwnServer.start("live-chat", { HOVOR_CHAT_HOST_ORIGINS: site.origin });
  site.hovor = server.url;
  try {
    // agent3 (Ivan Petrov) works "Orders and delivery" (queue 3); every other agent is Idle.
    await page.setViewportSize({ width: 1366, height: 768 });
    await signInAt(page, server.url, "agent3");
    await expect(page.getByTestId("task")).toHaveCount(3);
    await becomeAvailable(page);

    // The customer: signed in on the shop, opens the chat, fills the survey and writes.
    const email = await firstContactEmail(server.url);
    site.queue = 3;
    site.identity = signedIdentity("Jana Nováková", email);
    const { context: customerContext, chat } = await site.open(browser);
    await expect(chat.getByLabel("Your name")).toHaveValue("Jana Nováková");
    await chat.getByLabel(/What can we help you with/).fill("Objednávka 4711 nedorazila");
    await chat.getByLabel(/Preferred language/).selectOption("Čeština");
    await chat.getByRole("button", { name: "Start chat" }).click();
    await expect(chat.getByTestId("chat-status")).toContainText("Waiting for an agent");
    await chat.getByLabel("Your message").fill("Dobrý den, kde je moje objednávka 4711?");
    await chat.getByLabel("Your message").press("Enter");

    // The agent: the popover connects, then offers the chat with the queue's variables.
    const offer = page.getByTestId("offer");
    await expect(offer).toHaveCount(1);
    await expect(offer).toHaveAttribute("data-state", "ringing");
    await expect(offer).toContainText("Orders and delivery");
    await expect(offer).toContainText("Objednávka 4711 nedorazila");
    await expect(offer).not.toContainText(email); // the queue marks the email variable secure
    await expect(page.getByTestId("ringing")).toHaveCount(1);
    await expect(page.getByTestId("sign-out")).toBeDisabled();
    await offer.getByTestId("accept").click();
    await expect(page).toHaveURL(/\/desk\/\d+$/);
    await expect(page.getByTestId("offers")).toHaveCount(0);
    await expect(page.getByTestId("task")).toHaveCount(4);
    await expect(chat.getByTestId("chat-status")).toContainText("You are chatting with Ivan Petrov");

    // What the customer told us and did shows in the summary tabs.
    const summary = page.getByTestId("summary");
    await expect(summary.getByTestId("survey")).toContainText("Objednávka 4711 nedorazila");
    await summary.getByRole("tab", { name: "Self-service" }).click();
    await expect(summary.getByTestId("self-service").locator("li")).toHaveCount(3);
    await expect(summary.getByTestId("self-service").locator("li").first()).toContainText("Jak vrátit zboží");
    await summary.getByRole("tab", { name: "Visitor" }).click();
    await expect(summary.getByTestId("visitor")).toContainText("Yes");
    await expect(summary.getByTestId("visitor")).toContainText("Chromium");
    await expect(summary.getByTestId("visitor")).toContainText("CZ · Europe/Prague");
    await expect(summary.getByTestId("visitor")).toContainText("cs-CZ");
    await summary.getByRole("tab", { name: "Details" }).click();
    await expect(summary.getByTestId("additional-details")).toContainText("1 290 Kč");
    const timeline = page.getByTestId("timeline");
    await expect(timeline.getByTestId("timeline-message").filter({ hasText: "kde je moje objednávka 4711" })).toHaveCount(1);

    // Typing shows on both sides.
    await chat.getByLabel("Your message").pressSequentially("Ješ", { delay: 50 });
    await expect(page.getByTestId("customer-typing")).toContainText("typing");
    await page.getByTestId("composer").pressSequentially("Mo", { delay: 50 });
    await expect(chat.getByTestId("chat-typing")).toContainText("Ivan Petrov");
    await page.getByTestId("composer").fill("");
    await chat.getByLabel("Your message").fill("");

    // The agent answers with a suggested response; the customer sees it.
    const suggestion = page.getByTestId("suggestion").first();
    const suggested = (await suggestion.locator("p").innerText()).trim();
    await suggestion.getByTestId("insert-suggestion").click();
    await page.getByTestId("send").click();
    await expect(chat.getByTestId("chat-transcript")).toContainText(suggested.slice(0, 40));

    // The server restarts mid-chat; both sides write while it is down.
    await server.down();
    await chat.getByLabel("Your message").fill("Píšu, zatímco server spí.");
    await chat.getByLabel("Your message").press("Enter");
    await page.getByTestId("composer").fill("Omlouvám se, hned to prověřím.");
    await page.getByTestId("send").click();
    await page.waitForTimeout(1500);
    await server.up();
    await expect(timeline.getByTestId("timeline-message").filter({ hasText: "zatímco server spí" })).toHaveCount(1, { timeout: 30_000 });
    await expect(chat.getByTestId("chat-transcript").getByText("Omlouvám se, hned to prověřím.")).toHaveCount(1, { timeout: 30_000 });
    // Exactly once on each side, with nothing pending.
    await expect(timeline.getByTestId("timeline-message").filter({ hasText: "hned to prověřím" })).toHaveCount(1, { timeout: 30_000 });
    await expect(chat.getByTestId("chat-transcript").getByText("Píšu, zatímco server spí.")).toHaveCount(1);
    await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live", { timeout: 30_000 });

    // The agent ends the chat and must wrap up before it leaves the task list.
    // End asks first: Cancel (Escape) keeps the conversation, Yes ends it.
    await page.getByTestId("end-conversation").click();
    await expect(page.getByTestId("end-confirm")).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(page.getByTestId("end-confirm")).toHaveCount(0);
    await page.getByTestId("end-conversation").click();
    await page.getByTestId("end-confirm").click();
    await expect(chat.getByTestId("chat-status")).toContainText("The chat has ended");
    const wrapUp = page.getByTestId("wrap-up");
    await wrapUp.getByLabel("Search reasons").fill("in");
    await expect(wrapUp).toContainText("at least 3 characters");
    await wrapUp.getByLabel("Search reasons").fill("info");
    await expect(wrapUp.getByRole("radio")).toHaveCount(1);
    await page.getByTestId("submit-wrap-up").click();
    await expect(wrapUp).toContainText("Choose a wrap-up reason");
    await wrapUp.getByRole("radio", { name: "Information provided" }).check();
    const wrapped = page.url();
    await page.getByTestId("submit-wrap-up").click();
    // On to the agent's next conversation, ready to type.
    // Waits for the move: the wrapped conversation's own URL also looks like /desk/<id>.
    await expect(page).not.toHaveURL(wrapped);
    await expect(page).toHaveURL(/\/desk\/\d+$/);
    await expect(page.getByTestId("composer")).toBeFocused();
    await expect(page.getByTestId("task")).toHaveCount(3);
    await customerContext.close();
  } finally {
    site.close();
    await server.finish(page);
  }
});

async function firstContactEmail(base: string): Promise<string> {
  // The customer the shop vouches for is a known contact: any directory email will do.
  const agent = await playwrightRequest.newContext({ baseURL: base });
  await agent.post("/api/session", { data: { username: "agent1", password: PASSWORD } });
  const list = await (await agent.get("/api/tasks")).json();
  for (const task of list) {
    const card = await (await agent.get(`/api/conversations/${task.id}/customer`)).json();
    const email = card?.contact?.emails?.[0]?.value;
    if (email) return email;
  }
  throw new Error("no contact email found");
}

async function startChats(base: string, queue: number, count: number) {
  const setup = await (await fetch(`${base}/api/chat/queues/${queue}`)).json();
  const customers = [];
  for (let n = 0; n < count; n++) {
    const customer = await playwrightRequest.newContext({ baseURL: base });
    const answers = setup.survey
      .filter((q: any) => q.required)
      .map((q: any) => ({ question_id: q.id, answer: q.options.length ? q.options[0] : `Otázka ${n + 1}` }));
    const started = await customer.post(`/api/chat/queues/${queue}/conversations`, {
      data: { name: `Zákazník ${n + 1}`, answers, visitor: { language: "cs-CZ" } },
    });
    expect(started.status()).toBe(201);
    customers.push({ context: customer, id: (await started.json()).conversation_id as number });
  }
  return customers;
}

async function admin(base: string) {
  const api = await playwrightRequest.newContext({ baseURL: base });
  expect((await api.post("/api/session", { data: { username: "admin", password: PASSWORD } })).ok()).toBe(true);
  return api;
}

test("an unanswered offer returns to the queue, the agent becomes Idle and is asked", async ({ page, baseURL }) => {
  // "Sales and contracts" (queue 4) with a short no-answer time; agent4 is its only Available member.
  const api = await admin(baseURL!);
  const routing = {
    rona_seconds: 4,
    mask_sensitive: true,
    popover_variables: [{ field: "customer_name" }, { field: "queue" }, { field: "wait_time" }],
  };
  expect((await api.put("/api/admin/queues/4/routing", { data: routing })).status()).toBe(204);
  await signInAt(page, baseURL!, "agent4");
  await becomeAvailable(page);
  const [customer] = await startChats(baseURL!, 4, 1);

  const offer = page.getByTestId("offer");
  await expect(offer).toContainText("Zákazník 1");
  await expect(page.getByTestId("ringing")).toHaveCount(1);
  // Nobody answers: the offer goes, the agent is Idle and asked what next.
  await expect(offer).toHaveCount(0, { timeout: 10_000 });
  const prompt = page.getByTestId("missed-offer");
  await expect(prompt).toBeVisible();
  await expect(page.getByTestId("agent-status")).toHaveValue("idle:no_answer");
  const view = await (await customer.context.get("/api/chat/conversation")).json();
  expect(view.status).toBe("queued");
  await prompt.getByRole("button", { name: "Stay Idle" }).click();
  await expect(prompt).toHaveCount(0);
  await expect(page.getByTestId("agent-status")).toHaveValue("idle:no_answer");
  await customer.context.post("/api/chat/end");
});

test("seven offers stack as 1–5 of 7 in arrival order and Accept 7 requests takes them all", async ({ page, baseURL }) => {
  // "Billing and payments" (queue 1); agent5 has 2 live chats and room for 7 more.
  const api = await admin(baseURL!);
  await page.setViewportSize({ width: 1366, height: 900 });
  await signInAt(page, baseURL!, "agent5");
  const me = await page.evaluate(async () => (await fetch("/api/session")).json());
  expect((await api.put(`/api/admin/agents/${me.id}/capacity`, { data: { channel: "chat", capacity: 9 } })).status()).toBe(204);
  await expect(page.getByTestId("task")).toHaveCount(3);
  const customers = await startChats(baseURL!, 1, 9);
  await becomeAvailable(page);

  const offers = page.getByTestId("offer");
  await expect(offers).toHaveCount(5);
  await expect(page.getByTestId("offer-range")).toHaveText("1–5 of 7");
  const shown = await offers.evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-conversation"))));
  expect(shown).toEqual(customers.slice(0, 5).map((c) => c.id));
  await expect(page.getByTestId("ringing")).toHaveCount(7);
  // The browser tab counts them too, for an agent working in another tab.
  await expect(page).toHaveTitle("(7) Hovor");

  await expect(page.getByTestId("accept-all")).toHaveText("Accept 7 requests");
  await page.getByTestId("accept-all").click();
  await expect(offers).toHaveCount(0);
  await expect(page).toHaveTitle("Hovor");
  await expect(page.getByTestId("task")).toHaveCount(10);
  for (const [n, customer] of customers.entries()) {
    const view = await (await customer.context.get("/api/chat/conversation")).json();
    expect(view.status, `chat ${n + 1}`).toBe(n < 7 ? "active" : "queued");
  }
  // Leave the shared server as it was: the rest are withdrawn, the agent goes Idle.
  for (const customer of customers.slice(7)) await customer.context.post("/api/chat/end");
  await page.getByTestId("agent-status").selectOption("idle:break");
});

test("a draft survives a reload, a transfer carries its note to the colleague, both activities are recorded", async ({ page, browser, baseURL }) => {
  // "Technical support" (queue 2): agent2 (Petr Svoboda) and agent6 (Lucie Horáková) work it.
  await signInAt(page, baseURL!, "agent2");
  await becomeAvailable(page);
  const [customer] = await startChats(baseURL!, 2, 1);
  await page.getByTestId("offer").getByTestId("accept").click();
  await expect(page).toHaveURL(new RegExp(`/desk/${customer.id}$`));

  // What the agent typed is kept on the server: a reload brings it back.
  await page.getByTestId("composer").fill("Rozepsaná odpověď o modemu");
  await page.waitForTimeout(1000);
  await page.reload();
  await expect(page.getByTestId("composer")).toHaveValue("Rozepsaná odpověď o modemu");

  const colleague = await (await browser.newContext()).newPage();
  await signInAt(colleague, baseURL!, "agent6");
  await becomeAvailable(colleague);

  await page.getByTestId("transfer").click();
  const form = page.getByTestId("transfer-form");
  await form.getByRole("button", { name: "Transfer" }).click();
  await expect(form.getByRole("alert")).toContainText("Choose where");
  await form.getByLabel("Transfer to").selectOption({ label: "Lucie Horáková" });
  await form.getByLabel("Note for the colleague").fill("Zákazník chce vrátit modem, ověřeno číslo smlouvy.");
  await form.getByRole("button", { name: "Transfer" }).click();
  await expect(page.getByTestId("wrap-up")).toBeVisible();

  const offer = colleague.getByTestId("offer");
  await expect(offer.getByTestId("transfer-note")).toContainText("vrátit modem");
  await offer.getByTestId("accept").click();
  await expect(colleague.getByTestId("summary").getByTestId("summary-transfer-note")).toContainText("vrátit modem");

  await page.getByTestId("wrap-up").getByRole("radio", { name: "Transferred to specialist" }).check();
  await page.getByTestId("submit-wrap-up").click();
  await expect(page).toHaveURL(/\/desk\/\d+$/);

  // Both activities of the interaction, with their focus time.
  await colleague.getByTestId("summary").getByRole("tab", { name: "Activities" }).click();
  const activities = colleague.getByTestId("activity");
  await expect(activities).toHaveCount(2);
  await expect(activities.first()).toContainText("Petr Svoboda");
  await expect(activities.first()).toContainText("Transferred to specialist");
  await expect(activities.last()).toContainText("Lucie Horáková");
  await expect(activities.last()).toContainText("vrátit modem");
  await expect(activities.first().getByTestId("focus-time")).toContainText("Focus time");

  // Leave the shared server as it was.
  await customer.context.post("/api/chat/end");
  await colleague.getByTestId("agent-status").selectOption("idle:break");
  await page.getByTestId("agent-status").selectOption("idle:break");
});
