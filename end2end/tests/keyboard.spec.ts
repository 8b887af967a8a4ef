import { request as playwrightRequest } from "@playwright/test";
import { test, expect, api, PASSWORD } from "./fixtures";
import { OwnServer } from "./own-server";

// The desk by keyboard alone: from signing in through Accept, a suggestion, sending, End and the
// wrap-up to the next conversation, with the palette and a remapped shortcut; no pointer is used.

test("an agent signs in, accepts, answers with a suggestion, ends, wraps up and moves on without touching the mouse", async ({ page }) => {
  const server = await OwnServer.start("keyboard");
  try {
    await page.addInitScript(() => {
      (window as any).pointerEvents = 0;
      for (const kind of ["pointerdown", "mousedown"]) {
        window.addEventListener(kind, (e) => { if (e.isTrusted) (window as any).pointerEvents++; }, true);
      }
    });
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(`${server.url}/login`);
    // The user name is focused; Tab to the password, Enter signs in.
    await expect(page.locator('input[name="username"]')).toBeFocused();
    await page.keyboard.type("agent2");
    await page.keyboard.press("Tab");
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/desk$/);
    await expect(page.getByTestId("task").first()).toBeVisible();
    const tasksBefore = await page.getByTestId("task").count();

    const agent = await api(server.url, "agent2");
    expect((await agent.put("/api/me/status", { data: { state: "available" } })).ok()).toBe(true);
    const setup = await (await fetch(`${server.url}/api/chat/queues/3`)).json();
    const customer = await playwrightRequest.newContext({ baseURL: server.url });
    const answers = setup.survey.filter((q: any) => q.required).map((q: any) => ({ question_id: q.id, answer: q.options.length ? q.options[0] : "Faktura" }));
    const started = await customer.post("/api/chat/queues/3/conversations", { data: { name: "Klávesa Zákaznice", answers } });
    expect(started.status()).toBe(201);
    const id = (await started.json()).conversation_id;
    expect((await customer.post("/api/chat/messages", { data: { body: "Dobrý den, potřebuji pomoc s fakturou." } })).status()).toBe(201);

    // Alt+Enter accepts the request; the composer has the focus.
    await expect(page.locator(`[data-testid="offer"][data-conversation="${id}"] [data-testid="accept"]`)).toBeVisible();
    await page.keyboard.press("Alt+Enter");
    await expect(page).toHaveURL(new RegExp(`/desk/${id}$`));
    const composer = page.getByTestId("composer");
    await expect(composer).toBeFocused();
    // A longer chat: more than the timeline shows at once.
    for (let n = 1; n <= 10; n++) {
      expect((await customer.post("/api/chat/messages", { data: { body: `Doplnění ${n}` } })).status()).toBe(201);
    }
    expect((await customer.post("/api/chat/messages", { data: { body: "Dobrý den, potřebuji pomoc s fakturou." } })).status()).toBe(201);
    await expect(page.getByTestId("timeline-message").filter({ hasText: "Doplnění 10" })).toHaveCount(1);

    // Alt+1 inserts the first suggestion (asking for a value it lacks), Enter sends it.
    await expect(page.getByTestId("suggestion").first()).toBeVisible();
    await page.keyboard.press("Alt+1");
    const dialog = page.getByTestId("fill-dialog");
    await expect.poll(async () => (await composer.inputValue()) !== "" || (await dialog.isVisible())).toBe(true);
    if (await dialog.isVisible()) {
      await expect(dialog.locator("input").first()).toBeFocused();
      await page.keyboard.type("Jana");
      await page.keyboard.press("Enter");
      await expect(composer).toBeFocused();
    }
    await expect(composer).not.toHaveValue("");
    const reply = await composer.inputValue();
    await page.keyboard.press("Enter");
    await expect(composer).toHaveValue("");
    await expect(page.getByTestId("timeline-message").filter({ hasText: reply.slice(0, 20) })).toHaveCount(1);

    // Alt+Shift+R opens the # list at the cursor; Escape closes it and leaves the text.
    await page.keyboard.press("Alt+Shift+KeyR");
    await expect(composer).toHaveValue("#");
    await expect(page.getByTestId("hash-list").or(page.getByTestId("hash-empty"))).toBeVisible();
    await page.keyboard.press("Escape");
    await page.keyboard.press("Backspace");
    await expect(composer).toHaveValue("");

    // Alt+Shift+E asks first, Yes is focused; Enter ends. The wrap-up search has the focus.
    await page.keyboard.press("Alt+Shift+KeyE");
    await expect(page.getByTestId("end-confirm")).toBeFocused();
    await page.keyboard.press("Enter");
    const search = page.getByTestId("wrap-up-search");
    await expect(search).toBeFocused();
    // The wrap-up times itself, live to the second.
    const wrapUpTime = page.getByTestId("wrap-up-time");
    const wrapUpShown = await wrapUpTime.innerText();
    expect(wrapUpShown).toMatch(/^\d+:\d\d$/);
    await expect(wrapUpTime).not.toHaveText(wrapUpShown, { timeout: 3_000 });
    // The wrap-up takes the composer's place; the agent's last reply stays in view.
    await expect(page.getByTestId("timeline-message").filter({ hasText: reply.slice(0, 20) })).toBeInViewport();
    await page.keyboard.type("info");
    const reason = page.getByTestId("wrap-up").getByRole("radio").first();
    await expect(reason).toBeVisible();
    await page.keyboard.press("Tab");
    await expect(reason).toBeFocused();
    await page.keyboard.press("Space");
    await expect(reason).toBeChecked();
    await page.keyboard.press("Tab");
    await expect(page.getByTestId("submit-wrap-up")).toBeFocused();
    await page.keyboard.press("Enter");

    // On to the next conversation, ready to type; the wrapped one has left the list.
    // Wait for the move itself: the URL still names the wrapped conversation until it happens.
    await expect(page).not.toHaveURL(new RegExp(`/desk/${id}$`));
    await expect(page).toHaveURL(/\/desk\/\d+$/);
    await expect(composer).toBeFocused();
    await expect(page.getByTestId("task")).toHaveCount(tasksBefore);
    const here = page.url();

    // Alt+↓ and Alt+↑ move between conversations.
    await page.keyboard.press("Alt+ArrowDown");
    await expect(page).not.toHaveURL(here);
    await expect(composer).toBeFocused();
    await page.keyboard.press("Alt+ArrowUp");
    await expect(page).toHaveURL(here);

    // Ctrl+K: the palette finds a conversation by its customer's name.
    const name = (await page.getByTestId("task").last().getByTestId("task-customer").innerText()).trim();
    await page.keyboard.press("Control+KeyK");
    await expect(page.getByTestId("palette-input")).toBeFocused();
    await page.keyboard.type(name.split(" ")[0]);
    await expect(page.getByTestId("palette-option").first()).toContainText(name.split(" ")[0]);
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("palette")).toHaveCount(0);
    await expect(page.getByTestId("header-name")).toHaveText(name);

    // The sheet from the palette; Alt+1 remapped to Alt+7, kept after a reload.
    await page.keyboard.press("Control+KeyK");
    await expect(page.getByTestId("palette-input")).toBeFocused();
    await page.keyboard.type("shortcuts");
    // Enter takes the first option: only once the palette has found the sheet.
    await expect(page.getByTestId("palette-option").first()).toContainText("keyboard shortcuts");
    await page.keyboard.press("Enter");
    const sheet = page.getByTestId("shortcut-sheet");
    await expect(sheet).toBeVisible();
    const first = sheet.locator('[data-action="suggestion-1"]');
    await expect(first.getByTestId("shortcut-keys")).toHaveText("Alt+1");
    await first.getByTestId("shortcut-change").focus();
    await page.keyboard.press("Enter");
    await page.keyboard.press("Alt+Digit7");
    await expect(first.getByTestId("shortcut-keys")).toHaveText("Alt+7");
    await page.keyboard.press("Escape");
    await expect(sheet).toHaveCount(0);
    await page.reload();
    await expect(composer).toBeVisible();
    await composer.focus();
    await expect(page.getByTestId("suggestion").first()).toBeVisible();
    await page.keyboard.press("Alt+Digit1");
    await page.keyboard.press("Alt+Digit7");
    await expect.poll(async () => (await composer.inputValue()) !== "" || (await dialog.isVisible())).toBe(true);
    if (await dialog.isVisible()) {
      await page.keyboard.type("Jana");
      await page.keyboard.press("Enter");
    }
    // Inserted once: Alt+1 no longer does it (a second insertion would start a new line).
    await expect(composer).not.toHaveValue("");
    expect(await composer.inputValue()).not.toContain("\n");

    // AltGr (Ctrl+Alt on Windows) types national characters and is never a shortcut.
    await page.keyboard.press("Escape");
    await composer.fill("");
    await composer.focus();
    await page.keyboard.press("Control+Alt+Digit1");
    await expect(page.getByTestId("fill-dialog")).toHaveCount(0);
    await expect(composer).toHaveValue("");
    // `?` in a text field is a question mark, not the sheet.
    await page.keyboard.type("?");
    await expect(composer).toHaveValue("?");
    await expect(sheet).toHaveCount(0);

    expect(await page.evaluate(() => (window as any).pointerEvents)).toBe(0);
    await customer.post("/api/chat/end");
  } finally {
    await server.finish(page);
  }
});
