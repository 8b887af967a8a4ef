import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test, expect, signIn } from "./fixtures";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

test("an agent opens a conversation, every pane shows its data, a suggested reply is edited, sent and kept", async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await signIn(page, "agent1");

  const tasks = page.getByTestId("task");
  await expect(tasks).toHaveCount(3);
  const task = tasks.filter({ hasText: "Olha Kovalenko-Light" });
  await task.click();
  await expect(page).toHaveURL(/\/desk\/\d+$/);
  const id = page.url().split("/").pop();
  await expect(task).toHaveAttribute("aria-current", "page");

  // Customer card: compact, with the default phone and email; the whole record is the Customer sub-pane.
  const card = page.getByTestId("customer-card");
  await expect(card).toHaveAttribute("data-state", "ready");
  await expect(card.getByTestId("card-name")).toHaveText("Olha Kovalenko-Light");
  await expect(card.getByTestId("card-phone")).toHaveAttribute("href", /^tel:\+/);
  await expect(card.getByTestId("card-email")).toHaveAttribute("href", /^mailto:/);
  await expect(card.getByTestId("contact")).toBeHidden();
  await page.getByTestId("side-customer").click();
  await expect(card.getByTestId("contact")).toContainText("Olha Kovalenko-Light");
  await expect(card.locator('li[data-default="true"]')).toHaveCount(2);
  await expect(page.getByTestId("summary")).toBeHidden();
  await page.getByTestId("side-overview").click();

  // Conversation summary and its four tabs.
  const summary = page.getByTestId("summary");
  await expect(summary.getByTestId("summary-facts")).toContainText(/\d+ (sec|min)/);
  // The header: customer, channel, queue, a running handle time and the state.
  const header = page.getByTestId("conversation-header");
  await expect(header.getByTestId("header-name")).toHaveText("Olha Kovalenko-Light");
  await expect(header.getByTestId("header-queue")).toHaveText(/Billing and payments|Technical support/);
  await expect(header.getByTestId("conversation-state")).toHaveText("Active");
  const handled = await header.getByTestId("handle-time").innerText();
  expect(handled).toMatch(/^\d+:\d\d(:\d\d)?$/);
  await expect(header.getByTestId("handle-time")).not.toHaveText(handled);
  await expect(summary.getByTestId("survey").locator("dt")).not.toHaveCount(0);
  await summary.getByRole("tab", { name: "Self-service" }).click();
  const actions = summary.getByTestId("self-service").locator("li");
  await expect(actions.nth(2)).toBeVisible(); // at least three, once the tab has drawn them
  await summary.getByRole("tab", { name: "Visitor" }).click();
  await expect(summary.getByTestId("visitor")).toContainText(/Chrome|Firefox|Safari|Edge/);
  await summary.getByRole("tab", { name: "Details" }).click();
  await expect(summary.getByTestId("additional-details")).toContainText("Customer tier");

  // The linked case and the customer's recent cases, colour-coded.
  const cases = page.getByTestId("case");
  await expect(cases.getByTestId("linked-case")).toContainText("CAS-");
  await expect(cases.getByTestId("recent-case").first()).toBeHidden();
  await cases.getByTestId("recent-cases-toggle").click();
  await expect(cases.getByTestId("recent-case").first()).toBeVisible();
  await expect(cases.locator("[data-priority]").first()).toHaveCSS("background-color", /rgb/);

  // Timeline: earlier interactions above this one, newest at the bottom.
  const timeline = page.getByTestId("timeline");
  await expect(timeline.getByTestId("timeline-separator").first()).toBeVisible();
  await expect(timeline.locator('[data-testid="timeline-separator"][data-current="true"]')).toHaveCount(1);

  // Insert the best suggestion, edit it, send it.
  const suggestion = page.getByTestId("suggestion").first();
  const suggested = (await suggestion.locator("p").innerText()).trim();
  await suggestion.getByTestId("insert-suggestion").click();
  const composer = page.getByTestId("composer");
  await expect(composer).toBeFocused();
  await expect(composer).toHaveValue(suggested);
  const reply = `${suggested} З повагою, Тереза (${Date.now()})`;
  await composer.fill(reply);
  // The message says which response it was written from, and that the agent edited it.
  const posted = page.waitForRequest((r) => r.method() === "POST" && r.url().endsWith(`/api/conversations/${id}/messages`));
  await page.getByTestId("send").click();
  const used = (await posted).postDataJSON().used_response;
  expect(used.edited).toBe(true);
  expect(typeof used.response_id).toBe("number");
  await expect(composer).toHaveValue("");
  const sent = timeline.getByTestId("timeline-message").filter({ hasText: reply });
  await expect(sent).toHaveCount(1);
  await expect(timeline.getByTestId("pending-message")).toHaveCount(0);

  await page.screenshot({ path: "artifacts/desk.png" });

  // A reload restores the selection and the sent message is still there.
  await page.reload();
  await expect(page).toHaveURL(new RegExp(`/desk/${id}$`));
  await expect(page.getByTestId("timeline").getByTestId("timeline-message").last()).toContainText(reply);
});

test("a blank reply is refused next to the composer and nothing typed is lost", async ({ page }) => {
  await signIn(page, "agent2");
  await page.getByTestId("task").first().click();
  const composer = page.getByTestId("composer");
  await composer.fill("   ");
  await page.getByTestId("send").click();
  await expect(page.locator("#composer-error")).toHaveText("Write a message first.");
  await expect(composer).toHaveAttribute("aria-invalid", "true");

  // A draft survives switching to another conversation and back.
  await composer.fill("Rozepsaná odpověď");
  await page.getByTestId("task").nth(1).click();
  await expect(page.getByTestId("composer")).toHaveValue("");
  await page.getByTestId("task").first().click();
  await expect(page.getByTestId("composer")).toHaveValue("Rozepsaná odpověď");
});

test("another agent's conversation answers not found and shows nothing of it", async ({ page, request }) => {
  await signIn(page, "agent1");
  await page.getByTestId("task").first().click();
  await expect(page).toHaveURL(/\/desk\/\d+$/);
  const id = page.url().split("/").pop();
  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/login$/);

  // agent3 works other queues.
  await page.getByLabel(/user name/i).fill("agent3");
  await page.getByLabel(/password/i).fill("hovor-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/desk$/);
  await page.goto(`/desk/${id}`);
  await expect(page.getByTestId("summary")).toHaveAttribute("data-state", "error");
  await expect(page.getByTestId("customer-card")).toContainText("does not exist or is not in your queues");
  await expect(page.getByTestId("customer-card").getByTestId("contact")).toHaveCount(0);
});

test("the desk speaks Czech, Bulgarian and Ukrainian, and remembers the choice", async ({ page }) => {
  await signIn(page, "agent1");
  await page.getByTestId("task").first().click();
  const language = page.getByTestId("language").first();
  for (const [value, heading] of [["cs", "Zákazník"], ["bg", "Клиент"], ["uk", "Клієнт"]]) {
    await language.selectOption(value);
    await expect(page.getByTestId("customer-card").locator("h2")).toHaveText(heading);
  }
  await page.reload();
  await expect(page.getByTestId("customer-card").locator("h2")).toHaveText("Клієнт");
  await expect(page.locator("html")).toHaveAttribute("lang", "uk");
});

test("at tablet width the desk adapts instead of overflowing", async ({ page }) => {
  await page.setViewportSize({ width: 768, height: 1024 });
  await signIn(page, "agent1");
  await page.getByRole("button", { name: "Conversations" }).click();
  await page.getByTestId("task").first().click();
  await expect(page.getByTestId("customer-card")).toHaveAttribute("data-state", "ready");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page.getByTestId("task-list")).toBeHidden();
  await page.screenshot({ path: "artifacts/desk-tablet.png", fullPage: true });
  // The header's controls stay on screen in every language (Czech and Bulgarian labels are the longest).
  for (const lang of ["cs", "bg", "uk", "en"]) {
    await page.getByTestId("language").first().selectOption(lang);
    await expect(page.locator("html")).toHaveAttribute("lang", lang);
    const signOut = await page.getByTestId("sign-out").boundingBox();
    expect(signOut, lang).not.toBeNull();
    expect(signOut!.x + signOut!.width, `Sign out in ${lang}`).toBeLessThanOrEqual(768);
  }
});

test.describe("accessibility", () => {
  // axe is injected as a script, which the app's own Content-Security-Policy rightly forbids.
  test.use({ bypassCSP: true });

  test("the desk has no serious or critical axe violations", async ({ page }) => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await signIn(page, "agent1");
    await page.getByTestId("task").first().click();
    await expect(page.getByTestId("suggestions")).toHaveAttribute("data-state", "ready");
    await page.addScriptTag({ content: axeSource });
    const violations = await page.evaluate(async () => {
      // @ts-ignore axe is injected above
      const result = await axe.run(document, { resultTypes: ["violations"] });
      return result.violations
        .filter((v: any) => v.impact === "serious" || v.impact === "critical")
        .map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(" ")).slice(0, 3).join(", ")}`);
    });
    expect(violations).toEqual([]);
  });
});

test("scrolling up the 10,000-event timeline loads older pages and keeps at most 100 rows in the page", async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await signIn(page, "agent1");
  await page.getByTestId("task").filter({ hasText: "Bondarenko-Heavy" }).click();
  // Messages, notes, case changes and interactions share the window; a page holds 50 of them.
  const rows = page.getByTestId("timeline-message");
  const allRows = page.getByTestId("timeline-scroller").locator("[data-row]");
  await expect(allRows).toHaveCount(50);
  const oldestShown = () => rows.evaluateAll((els) => Math.min(...els.map((e) => Number(e.getAttribute("data-row")))));
  const newest = await rows.last().getAttribute("data-row");
  let oldest = await oldestShown();
  const scroller = page.getByTestId("timeline-scroller");
  for (let step = 0; step < 8; step++) {
    await scroller.evaluate((el) => { el.scrollTop = 0; el.dispatchEvent(new Event("scroll")); });
    await expect.poll(oldestShown).toBeLessThan(oldest);
    oldest = await oldestShown();
    expect(await allRows.count()).toBeLessThanOrEqual(100);
  }
  await expect(page.getByText("Beginning of the customer's history")).toHaveCount(0);
  // Back down to the newest message.
  for (let step = 0; step < 20; step++) {
    await scroller.evaluate((el) => { el.scrollTop = el.scrollHeight; el.dispatchEvent(new Event("scroll")); });
    if ((await rows.last().getAttribute("data-row")) === newest) break;
    await page.waitForTimeout(50);
  }
  await expect(rows.last()).toHaveAttribute("data-row", newest!);
  expect(await allRows.count()).toBeLessThanOrEqual(100);
});

test("a pane that fails shows its own error and retry while the others show their data", async ({ page }) => {
  await signIn(page, "agent1");
  let failing = true;
  await page.route("**/api/conversations/*/customer", (route) =>
    failing
      ? route.fulfill({ status: 500, contentType: "application/json", body: '{"code":"internal","message":"down"}' })
      : route.continue(),
  );
  await page.locator(`[data-testid="task"][data-channel="chat"]`).first().click();
  const card = page.getByTestId("customer-card");
  await expect(card).toHaveAttribute("data-state", "error");
  await expect(card.getByRole("alert")).toContainText("could not be loaded");
  for (const pane of ["timeline", "summary", "case", "suggestions"]) {
    await expect(page.getByTestId(pane)).toHaveAttribute("data-state", "ready");
  }
  failing = false;
  await card.getByRole("button", { name: "Try again" }).click();
  await expect(card).toHaveAttribute("data-state", "ready");
  await expect(card.getByTestId("card-name")).toBeVisible();
});

test.describe("a Czech browser", () => {
  test.use({ locale: "cs-CZ" });

  test("gets the desk in Czech without choosing", async ({ page }) => {
    await page.goto("/login");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Přihlášení do aplikace Hovor");
    await expect(page.locator("html")).toHaveAttribute("lang", "cs");
  });
});

test("a message sent by the agent appears live for a supervisor watching the same conversation", async ({ page, browser }) => {
  await signIn(page, "agent1");
  await page.locator(`[data-testid="task"][data-channel="chat"]`).first().click();
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
  const path = new URL(page.url()).pathname;

  const watcher = await browser.newContext();
  const supervisor = await watcher.newPage();
  await signIn(supervisor, "supervisor");
  await supervisor.goto(path);
  await expect(supervisor.getByTestId("connection")).toHaveAttribute("data-state", "live");
  await expect(supervisor.getByTestId("timeline")).toHaveAttribute("data-state", "ready");
  // Not theirs: no composer to write what the server would refuse, and a note saying why.
  await expect(supervisor.getByTestId("read-only")).toBeVisible();
  await expect(supervisor.getByTestId("composer")).toHaveCount(0);

  const text = `Živě doručeno ${Date.now()}`;
  await page.getByTestId("composer").fill(text);
  await page.getByTestId("send").click();
  // No reload: the event stream brings it.
  await expect(supervisor.getByTestId("timeline-message").filter({ hasText: text })).toHaveCount(1);
  await expect(page.getByTestId("timeline-message").filter({ hasText: text })).toHaveCount(1);
  await watcher.close();
});

test("a reply refused because the conversation ended says so and offers no retry", async ({ page }) => {
  await signIn(page, "agent1");
  await page.locator(`[data-testid="task"][data-channel="chat"]`).first().click();
  await page.route("**/api/conversations/*/messages", (route) =>
    route.fulfill({ status: 409, contentType: "application/json", body: '{"code":"conflict","reason":"ended","message":"The conversation has ended."}' }),
  );
  await page.getByTestId("composer").fill("Ještě jedna otázka?");
  await page.getByTestId("send").click();
  const pending = page.getByTestId("pending-message");
  await expect(pending).toContainText("The conversation has ended; messages can no longer be sent.");
  await expect(pending).toContainText("Ještě jedna otázka?");
  await expect(pending.getByRole("button", { name: "Retry" })).toHaveCount(0);
});

test("a cold open shows the conversation's latest messages before the app has arrived, then the app in their place", async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await signIn(page, "agent1");
  await page.getByTestId("task").filter({ hasText: "Olha Kovalenko-Light" }).click();
  await expect(page.getByTestId("timeline")).toHaveAttribute("data-state", "ready");
  const url = page.url();
  const id = url.split("/").pop();
  const timeline = await (await page.request.get(`/api/conversations/${id}/timeline?limit=1`)).json();
  const newest = timeline.entries.at(-1).body;

  // The app is held back: what the agent sees is the server's first paint alone, and nothing of the app.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/hovor_bg.wasm", async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(url);
  const firstPaint = page.locator("#prepaint");
  await expect(firstPaint).toBeVisible();
  await expect(firstPaint.locator("h1")).toHaveText("Olha Kovalenko-Light");
  await expect(firstPaint.locator(".prepaint-messages li p").last()).toHaveText(newest);
  await expect(firstPaint.locator('.prepaint-tasks li[aria-current="page"]')).toContainText("Olha Kovalenko-Light");
  await expect(page.getByTestId("active-conversation")).toHaveCount(0);

  // The app arrives and takes its place once it has drawn the conversation.
  release();
  await expect(firstPaint).toHaveCount(0);
  await expect(page.getByTestId("header-name")).toBeVisible();
  await expect(page.getByTestId("header-name")).toHaveText("Olha Kovalenko-Light");
  await expect(page.getByTestId("timeline-message").last()).toContainText(newest);
});
