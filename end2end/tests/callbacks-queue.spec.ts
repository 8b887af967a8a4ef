import { execFileSync } from "node:child_process";
import { test, expect, signInAt, waitInChatPage, PASSWORD } from "./fixtures";
import { Parties } from "./audio";
import { OwnServer } from "./own-server";

// A queue's callbacks as its administrator sets them, a customer waiting in chat who asks to be
// called back, the agent who cancels that callback while it rings (the queue allows it) and wraps up,
// and the task list's "+" that schedules a callback with no customer open.

test("the administrator lets agents cancel callbacks; a chat customer asks to be called back; the agent cancels it while it rings and wraps up", async ({ page }) => {
  test.setTimeout(120_000);
  const parties = new Parties();
  const server = await OwnServer.start("callback-cancel");
  try {
    // Call settings: Technical support's callbacks, the rules beside their fields.
    await page.setViewportSize({ width: 1366, height: 768 });
    await signInAt(page, server.url, "admin");
    await page.goto(`${server.url}/desk/calls`);
    await page.getByTestId("call-settings-queue").selectOption("2");
    const settings = page.getByTestId("callback-settings");
    await expect(settings.getByTestId("callbacks-attempts")).toHaveValue("3");
    await settings.getByTestId("callbacks-attempts").fill("0");
    await settings.getByTestId("callbacks-save").click();
    await expect(settings.getByTestId("callbacks-attempts-error")).toHaveText("At least 1.");
    await settings.getByTestId("callbacks-attempts").fill("2");
    await settings.getByTestId("callbacks-retry_minutes").fill("5");
    await settings.getByTestId("callbacks-may-cancel").check();
    await settings.getByTestId("callbacks-save").click();
    await expect(settings.getByTestId("callbacks-status")).toHaveText("Saved.");
    await settings.scrollIntoViewIfNeeded();
    await page.screenshot({ path: "artifacts/screenshots/call-settings-callbacks.png" });
    await page.getByTestId("language").first().selectOption("cs");
    await expect(settings.getByRole("heading")).toHaveText("Zpětná volání");

    // The customer waits in chat, then leaves a number instead.
    const customer = await parties.open(660);
    await waitInChatPage(customer, server.url, 2);
    await customer.getByRole("button", { name: "Call me back instead" }).click();
    await customer.getByLabel("Your phone number").fill("777 12");
    await customer.getByRole("button", { name: "Call me back", exact: true }).click();
    await expect(customer.getByTestId("callback-error")).toHaveText("Enter 7–15 characters: digits, spaces, hyphens, commas or periods, with an optional + in front.");
    await customer.getByLabel("Your phone number").fill("777 123 999");
    await customer.getByRole("button", { name: "Call me back", exact: true }).click();
    await expect(customer.getByTestId("callback-done")).toHaveText("We will call you at 777 123 999 when it is your turn. You can close this page.");
    await expect(customer.getByTestId("chat-status")).toContainText("ended");
    await expect(customer.getByRole("button", { name: "Call us" })).toBeHidden();
    await customer.screenshot({ path: "artifacts/screenshots/chat-callback-done.png" });

    // Emily Carter (Technical support) becomes Available: a Callback; Accept dials the number.
    const desk = await parties.open(440);
    await desk.setViewportSize({ width: 1366, height: 768 });
    await desk.goto(`${server.url}/login`);
    await desk.getByLabel(/user name/i).fill("agent5");
    await desk.getByLabel(/password/i).fill(PASSWORD);
    await desk.getByRole("button", { name: "Sign in" }).click();
    await expect(desk).toHaveURL(/\/desk$/);
    await expect(desk.getByTestId("connection")).toHaveAttribute("data-state", "live");
    expect((await desk.request.put(`${server.url}/api/me/status`, { data: { state: "available" } })).ok()).toBe(true);
    const offer = desk.locator('[data-testid="offer"][data-callback="true"]');
    await expect(offer.getByRole("heading")).toHaveText("Callback", { timeout: 15_000 });
    await offer.getByTestId("accept").click();
    await expect(desk.getByTestId("call-state")).toHaveAttribute("data-state", "ringing", { timeout: 15_000 });

    // Nobody answers yet: Cancel instead of waiting, and the wrap-up opens.
    await expect(desk.getByTestId("callback-cancel")).toBeVisible();
    await desk.screenshot({ path: "artifacts/screenshots/callback-ringing-cancel.png" });
    await desk.getByTestId("callback-cancel").click();
    await expect(desk.getByTestId("wrap-up")).toBeVisible();
    const sql = (query: string) => execFileSync("sqlite3", [server.database, query]).toString().trim();
    expect(sql("SELECT state || ' ' || failure FROM callbacks WHERE phone = '777 123 999'")).toBe("failed cancelled");
    await desk.screenshot({ path: "artifacts/screenshots/callback-cancelled-wrap-up.png" });
    for (const p of [customer, desk]) expect(parties.errors.get(p), "uncaught errors in the page").toEqual([]);
  } finally {
    await parties.close();
    await server.finish(page);
  }
});

test("the task list's + schedules a callback with no customer open, and it is listed as the agent's own", async ({ page }) => {
  test.setTimeout(90_000);
  const server = await OwnServer.start("callback-plus");
  try {
    await page.setViewportSize({ width: 1366, height: 768 });
    await signInAt(page, server.url, "agent5");
    await page.getByTestId("schedule-callback").click();
    await expect(page).toHaveURL(/\/desk\/callbacks$/);
    const form = page.getByTestId("callbacks-page").getByTestId("callback-form");
    // No customer: nothing is filled in but the agent's zone.
    await expect(form.getByTestId("callback-name")).toHaveValue("");
    await expect(form.getByTestId("callback-time_zone")).not.toHaveValue("");
    const date = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Kyiv" }).format(Date.now() + 2 * 86_400_000);
    await form.getByTestId("callback-name").fill("Олена Шевченко");
    await form.getByTestId("callback-phone").fill("+380 44 1234567");
    await form.getByTestId("callback-date").fill(date);
    await form.getByTestId("callback-start").fill("15:00");
    await form.getByTestId("callback-end").fill("16:00");
    await form.getByTestId("callback-time_zone").fill("Europe/Kyiv");
    const assignee = form.getByTestId("callback-assignee");
    await assignee.selectOption({ label: "Emily Carter" });
    await form.getByTestId("callback-submit").click();
    const pane = page.getByTestId("callbacks-page");
    await expect(pane.getByTestId("callbacks-notice")).toContainText("Callback scheduled");
    const row = pane.getByTestId("callback");
    await expect(row).toHaveCount(1);
    await expect(row).toContainText("Олена Шевченко");
    await expect(row).toContainText("personal, for Emily Carter");
    await page.screenshot({ path: "artifacts/screenshots/callback-plus.png" });
    for (const [language, label] of [["cs", "Naplánovat zpětné volání"], ["bg", "Насрочване на обратно обаждане"], ["uk", "Запланувати зворотний дзвінок"]]) {
      await page.getByTestId("language").first().selectOption(language);
      await expect(page.getByTestId("schedule-callback")).toHaveAttribute("aria-label", label);
    }
  } finally {
    await server.finish(page);
  }
});
