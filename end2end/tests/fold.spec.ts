import { Locator, Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { test, expect, signInAt, api } from "./fixtures";
import { OwnServer } from "./own-server";

// What an agent sees without scrolling: the conversation's header, the compact customer card, the
// summary, the case and the top three suggestions, for a chat and an email of known customers, at the
// two common desktop sizes. Screenshots of the desk in every language are kept in artifacts/screenshots.

async function expectInView(page: Page, what: Locator, name: string) {
  const viewport = page.viewportSize()!;
  await expect(what, name).toBeVisible();
  const box = (await what.boundingBox())!;
  expect(box.y, `${name} starts on screen`).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height, `${name} ends above the fold (${viewport.width}×${viewport.height})`).toBeLessThanOrEqual(viewport.height);
  expect(box.x + box.width, `${name} fits across`).toBeLessThanOrEqual(viewport.width);
}

async function expectAboveTheFold(page: Page) {
  for (const pane of ["customer-card", "summary", "case", "suggestions"]) {
    await expect(page.getByTestId(pane)).toHaveAttribute("data-state", "ready");
  }
  // Nothing scrolled to get there.
  expect(await page.evaluate(() => document.scrollingElement!.scrollTop)).toBe(0);
  expect(await page.evaluate(() => document.scrollingElement!.scrollHeight <= window.innerHeight)).toBe(true);
  const header = page.getByTestId("conversation-header");
  await expectInView(page, header.getByTestId("header-name"), "customer's name");
  await expectInView(page, header.getByTestId("header-queue"), "queue");
  await expectInView(page, header.getByTestId("handle-time"), "handle time");
  await expectInView(page, header.getByTestId("conversation-state"), "state");
  await expectInView(page, page.getByTestId("transfer"), "Transfer");
  await expectInView(page, page.getByTestId("end-conversation"), "End");
  await expectInView(page, page.getByTestId("card-summary"), "customer card");
  await expectInView(page, page.getByTestId("summary"), "summary");
  await expectInView(page, page.getByTestId("case"), "case");
  const suggestions = page.getByTestId("suggestion");
  await expect(suggestions.nth(2)).toBeVisible();
  for (let n = 0; n < 3; n++) await expectInView(page, suggestions.nth(n), `suggestion ${n + 1}`);
  await expectInView(page, page.getByTestId("composer"), "reply");
}

test("a chat and an email of known customers show header, card, summary, case and the top 3 suggestions without scrolling at 1366×768 and 1920×1080", async ({ page }) => {
  const server = await OwnServer.start("fold");
  try {
    const agent = await api(server.url, "agent1");
    const tasks: { id: number; channel: string; customer_name: string | null }[] = await (await agent.get("/api/tasks")).json();
    const chat = tasks.find((t) => t.channel === "chat" && t.customer_name)!;
    const email = tasks.find((t) => t.channel === "email" && t.customer_name)!;
    expect(chat && email, "the demo gives agent1 a chat and an email of known customers").toBeTruthy();
    await page.setViewportSize({ width: 1366, height: 768 });
    await signInAt(page, server.url, "agent1");
    for (const size of [{ width: 1366, height: 768 }, { width: 1920, height: 1080 }]) {
      await page.setViewportSize(size);
      for (const task of [chat, email]) {
        await page.goto(`${server.url}/desk/${task.id}`);
        await expect(page.getByTestId("header-name")).toHaveText(task.customer_name!);
        await expectAboveTheFold(page);
      }
    }
  } finally {
    await server.finish(page);
  }
});

test("screenshots of the desk at 1366×768 and 768×1024 in every language", async ({ page }) => {
  const server = await OwnServer.start("screenshots");
  try {
    const agent = await api(server.url, "agent1");
    const [task] = await (await agent.get("/api/tasks")).json();
    mkdirSync("artifacts/screenshots", { recursive: true });
    await signInAt(page, server.url, "agent1");
    await page.goto(`${server.url}/desk/${task.id}`);
    for (const language of ["en", "cs", "bg", "uk"]) {
      await page.getByTestId("language").first().selectOption(language);
      await expect(page.locator("html")).toHaveAttribute("lang", language);
      for (const [width, height] of [[1366, 768], [768, 1024]]) {
        await page.setViewportSize({ width, height });
        await expect(page.getByTestId("suggestions")).toHaveAttribute("data-state", "ready");
        // No sideways scrolling at either size.
        expect(await page.evaluate(() => document.scrollingElement!.scrollWidth <= window.innerWidth)).toBe(true);
        await page.screenshot({ path: `artifacts/screenshots/desk-${language}-${width}x${height}.png` });
      }
    }
  } finally {
    await server.finish(page);
  }
});
