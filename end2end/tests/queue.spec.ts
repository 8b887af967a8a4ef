import { Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { test, expect, signInAt, api, startChat } from "./fixtures";
import { OwnServer } from "./own-server";

// The task list as a queue: unread counts, how long each customer has waited for a reply, and the tab's
// title counting what waits for the agent.

async function accept(page: Page, id: number) {
  const offer = page.locator(`[data-testid="offer"][data-conversation="${id}"]`);
  await offer.getByTestId("accept").click();
  await expect(page).toHaveURL(new RegExp(`/desk/${id}$`));
}

test("messages to a conversation in the background are counted unread and waiting until the agent reads and answers; the tab title counts them", async ({ page }) => {
  const server = await OwnServer.start("queue");
  try {
    const admin = await api(server.url, "admin");
    const agent = await api(server.url, "agent2");
    const me = await (await agent.get("/api/session")).json();
    expect((await admin.put(`/api/admin/agents/${me.id}/capacity`, { data: { channel: "chat", capacity: 6 } })).status()).toBe(204);
    await page.setViewportSize({ width: 1366, height: 768 });
    await signInAt(page, server.url, "agent2");
    // The demo's conversations were read before: nothing waits for the agent yet.
    await expect(page.getByTestId("task").first()).toBeVisible();
    await expect(page.getByTestId("unread")).toHaveCount(0);
    await expect(page).toHaveTitle("Hovor");

    await page.getByTestId("agent-status").selectOption("available");
    const first = await startChat(server.url, 3, "Marta Dlouhé-Jménová Přijmení-Navíc");
    await accept(page, first.id);
    const second = await startChat(server.url, 3, "Karel Krátký");
    await accept(page, second.id);

    // On the second chat, the first customer writes twice.
    for (const body of ["Dobrý den, balík nedorazil.", "Je tam někdo?"]) {
      expect((await first.customer.post("/api/chat/messages", { data: { body } })).status()).toBe(201);
    }
    const row = page.locator(`[data-testid="task"][href="/desk/${first.id}"]`);
    await expect(row.getByTestId("unread")).toHaveText("2");
    await expect(row).toHaveAttribute("data-unread", "true");
    await expect(row.getByTestId("task-customer")).toHaveAttribute("title", "Marta Dlouhé-Jménová Přijmení-Navíc");
    const waiting = row.getByTestId("waiting");
    await expect(waiting).toHaveAttribute("data-level", "fresh");
    const shown = await waiting.innerText();
    await expect(waiting).not.toHaveText(shown); // live to the second
    // The time since the start too: it shows seconds, so it moves every second.
    const since = row.getByTestId("since");
    const sinceShown = await since.innerText();
    await expect(since).not.toHaveText(sinceShown, { timeout: 3_000 });
    await expect(page).toHaveTitle("(1) Hovor");
    mkdirSync("artifacts/screenshots", { recursive: true });
    await page.screenshot({ path: "artifacts/screenshots/queue-1366x768.png" });

    // A message to the conversation on screen is read at once.
    expect((await second.customer.post("/api/chat/messages", { data: { body: "Děkuji." } })).status()).toBe(201);
    const secondRow = page.locator(`[data-testid="task"][href="/desk/${second.id}"]`);
    await expect(secondRow.getByTestId("waiting")).toBeVisible();
    await expect(secondRow.getByTestId("unread")).toHaveCount(0);

    // Opening the first reads it; the customer waits until the agent answers.
    await row.click();
    await expect(row.getByTestId("unread")).toHaveCount(0);
    await expect(page).toHaveTitle("Hovor");
    await expect(waiting).toBeVisible();
    await page.getByTestId("composer").fill("Dobrý den, hned to zjistím.");
    await page.getByTestId("send").click();
    await expect(waiting).toHaveCount(0);

    // What was read stays read after a reload.
    await page.reload();
    await expect(row).toBeVisible();
    await expect(page.getByTestId("unread")).toHaveCount(0);
    await expect(secondRow.getByTestId("waiting")).toBeVisible();
    await expect(row.getByTestId("waiting")).toHaveCount(0);
    for (const chat of [first, second]) await chat.customer.post("/api/chat/end");
  } finally {
    await server.finish(page);
  }
});
