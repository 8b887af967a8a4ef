import { test, expect, api, signInAt, waitInChatPage } from "./fixtures";
import { OwnServer } from "./own-server";

// The post-chat survey: an administrator on a tablet asks a queue's customers for a rating and a
// comment (a blank question refused beside its field); a customer ends the chat on the chat page and
// answers (a missing rating said beside the stars, then sent, thanked, asked no more); the listing
// shows the rating and comment, sorts by them, and the detail shows each answer.

test("an administrator asks for a rating, the customer gives it after the chat, and the listing shows it", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const server = await OwnServer.start("feedback");
  try {
    const queue = 3;
    await page.setViewportSize({ width: 1024, height: 768 });
    await signInAt(page, server.url, "admin");
    await page.getByTestId("nav-call-settings").click();
    await expect(page.getByRole("heading", { name: "Queue settings" })).toBeVisible();
    await page.getByTestId("call-settings-queue").selectOption(String(queue));
    const survey = page.getByTestId("feedback-settings");
    await expect(survey.getByTestId("feedback-none")).toBeVisible();
    const questions = survey.getByTestId("feedback-question");
    await survey.getByTestId("feedback-add").click();
    await survey.getByTestId("feedback-add").click();
    await expect(questions).toHaveCount(2);
    await questions.nth(0).getByTestId("feedback-label").fill("How did we do?");
    await questions.nth(0).getByTestId("feedback-required").check();
    await survey.getByTestId("feedback-save").click();
    await expect(questions.nth(1).getByTestId("feedback-label-error")).toHaveText("This field is required.");
    await expect(questions.nth(1).getByTestId("feedback-label")).toHaveAttribute("aria-invalid", "true");
    await questions.nth(1).getByTestId("feedback-label").fill("Anything we could do better?");
    await questions.nth(1).getByTestId("feedback-kind").selectOption("comment");
    await survey.getByTestId("feedback-save").click();
    await expect(survey.getByTestId("feedback-status")).toHaveText("Saved.");
    const admin = await api(server.url, "admin");
    const stored = (await (await admin.get(`/api/admin/queues/${queue}/feedback`)).json()).questions;
    expect(stored).toMatchObject([
      { kind: "rating", label: "How did we do?", required: true },
      { kind: "comment", label: "Anything we could do better?", required: false },
    ]);
    await survey.scrollIntoViewIfNeeded();
    await page.screenshot({ path: "artifacts/screenshots/feedback-settings-1024x768.png" });

    // The customer chats, ends the chat and is asked.
    const customer = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await waitInChatPage(customer, server.url, queue);
    const agent = await api(server.url, "agent2");
    expect((await agent.put("/api/me/status", { data: { state: "available" } })).ok()).toBe(true);
    const id = (await (await fetch(`${server.url}/api/chat/conversation`, {
      headers: { cookie: (await customer.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ") },
    })).json()).conversation_id as number;
    await expect
      .poll(async () => (await (await agent.post("/api/offers/accept", { data: { conversation_ids: [id] } })).json()).accepted)
      .toEqual([id]);
    await expect(customer.getByTestId("chat-status")).toContainText("You are chatting with");
    await customer.getByRole("button", { name: "End chat" }).first().click();
    await customer.locator("#end-yes").click();
    const form = customer.getByTestId("chat-feedback");
    await expect(form).toBeVisible();
    await expect(form.getByRole("heading", { name: "How was your chat?" })).toBeVisible();
    await form.getByLabel("Anything we could do better?").fill("Quick and kind, thank you");
    await form.getByTestId("feedback-submit").click();
    await expect(form.getByTestId("feedback-question-error").first()).toHaveText("Please choose a rating.");
    // Stars by keyboard: focus the first, arrow to the fourth.
    await form.getByTestId("feedback-star-1").focus();
    await customer.keyboard.press("Space");
    for (let i = 0; i < 3; i++) await customer.keyboard.press("ArrowRight");
    await expect(form.getByTestId("feedback-star-4")).toBeChecked();
    await expect(form.getByTestId("feedback-question-error").first()).toBeHidden();
    await expect(form.getByLabel("Anything we could do better?")).toHaveValue("Quick and kind, thank you");
    await customer.screenshot({ path: "artifacts/screenshots/feedback-customer-390x844.png" });
    await form.getByTestId("feedback-submit").click();
    await expect(customer.getByTestId("feedback-done")).toHaveText("Thank you for your feedback.");
    await expect(form).toBeHidden();
    const again = await customer.evaluate(async () => (await fetch("/api/chat/feedback")).json());
    expect(again.answered).toBe(true);

    // The listing: the Rating column on chats, sorted by it; the detail with each answer.
    await page.getByTestId("nav-listings").click();
    await page.locator('[data-testid="listing-channel"][data-channel="chat"]').click();
    await page.locator('[data-testid="listing-sort"][data-column="rating"]').click();
    const header = page.locator("th", { has: page.locator('[data-column="rating"]') });
    await expect(header).toHaveAttribute("aria-sort", "ascending");
    await page.locator('[data-testid="listing-sort"][data-column="rating"]').click();
    await expect(header).toHaveAttribute("aria-sort", "descending");
    await expect(page.getByTestId("listing")).toHaveAttribute("data-state", "ready");
    const first = page.getByTestId("listing-row").first();
    await expect(first).toHaveAttribute("data-name", `chat-${id}`);
    await expect(first.getByTestId("listing-rating")).toContainText("4/5");
    await expect(first.getByTestId("listing-rating")).toContainText("Quick and kind, thank you");
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.screenshot({ path: "artifacts/screenshots/feedback-listing-1366x768.png" });
    await first.getByTestId("listing-detail").click();
    const answers = page.getByTestId("feedback-answers");
    await expect(answers).toContainText("How did we do?");
    await expect(answers.getByTestId("feedback-rating")).toHaveAttribute("data-rating", "4");
    await expect(answers).toContainText("Quick and kind, thank you");
  } finally {
    await server.down();
  }
});
