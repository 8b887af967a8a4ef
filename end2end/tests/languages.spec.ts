import { readFileSync } from "node:fs";
import { Page, request as playwrightRequest } from "@playwright/test";
import { test, expect, signInAt, api } from "./fixtures";
import { OwnServer } from "./own-server";

// Every language: the configuration (queues, skills, survey, wrap-up reasons, tags) in the agent's and
// the customer's language, and no English sentence of the desk's own on a Czech, Bulgarian or
// Ukrainian desk.

function flatten(value: unknown, into: string[] = []): string[] {
  if (typeof value === "string") into.push(value);
  else if (value && typeof value === "object") for (const v of Object.values(value)) flatten(v, into);
  return into;
}

/** The desk's English sentences (two words or more, no placeholders) that the language says otherwise. */
function englishOnly(language: string): string[] {
  const read = (l: string) => flatten(JSON.parse(readFileSync(`../locales/${l}.json`, "utf8")));
  const theirs = new Set(read(language));
  return read("en").filter((s) => s.split(/\s+/).length >= 2 && !s.includes("{{") && !theirs.has(s));
}

async function noEnglish(page: Page, english: string[], where: string) {
  const text = await page.evaluate(() => document.body.innerText);
  const found = english.filter((s) => text.includes(s));
  // Where each one is, to fix it.
  const places = await page.evaluate((found) => found.map((s) => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.textContent!.includes(s)) {
        const e = n.parentElement!.closest("[data-testid]");
        return `${s} (in ${e?.getAttribute("data-testid") ?? n.parentElement!.tagName})`;
      }
    }
    return s;
  }), found);
  expect(places, `English on the desk: ${where}`).toEqual([]);
}

for (const language of ["cs", "bg", "uk"]) {
  test(`a ${language} desk shows the configuration and every sentence in ${language}`, async ({ page }) => {
    const server = await OwnServer.start(`languages-${language}`);
    try {
      const agent = await api(server.url, "agent1");
      const translations = await (await agent.get(`/api/translations/${language}`)).json();
      const english = [...englishOnly(language), ...Object.keys(translations).filter((k) => k.includes(" ") && translations[k] !== k)];
      const tasks: { id: number; queue_name: string; channel: string }[] = await (await agent.get("/api/tasks")).json();
      const chat = tasks.find((t) => t.channel === "chat")!;
      await page.setViewportSize({ width: 1366, height: 768 });
      await signInAt(page, server.url, "agent1");
      await page.getByTestId("language").selectOption(language);
      await page.goto(`${server.url}/desk/${chat.id}`);
      await expect(page.getByTestId("summary")).toHaveAttribute("data-state", "ready");
      await expect(page.getByTestId("header-queue")).toHaveText(translations[chat.queue_name]);
      await expect(page.getByTestId("task").first()).toContainText(translations[tasks[0].queue_name]);
      // The survey as configured, in the agent's language.
      await expect(page.getByTestId("summary")).toContainText(translations["What is your question about?"]);
      await noEnglish(page, english, "the conversation");
      for (const side of ["customer", "session", "resources", "collaboration"]) {
        await page.getByTestId(`side-${side}`).click();
        await expect(page.locator(`[data-side="${side}"] [data-state="loading"]`)).toHaveCount(0);
        await noEnglish(page, english, `the ${side} sub-pane`);
      }

      // Ending it: the wrap-up reasons in the agent's language.
      await page.getByTestId("end-conversation").click();
      await page.getByTestId("end-confirm").click();
      const wrapUp = page.getByTestId("wrap-up");
      await expect(wrapUp.getByRole("radio", { name: translations["Information provided"] })).toBeVisible();
      await noEnglish(page, english, "the wrap-up");
    } finally {
      await server.finish(page);
    }
  });
}

test("the customer's chat page asks the survey in the customer's language and the agent reads the answers in theirs", async ({ page, browser }) => {
  const server = await OwnServer.start("languages-chat");
  try {
    const admin = await api(server.url, "admin");
    const uk = await (await admin.get("/api/translations/uk")).json();
    const cs = await (await admin.get("/api/translations/cs")).json();
    const customer = await (await browser.newContext({ locale: "uk-UA" })).newPage();
    // Orders and delivery: agent2 works it, with the Ukrainian skill.
    await customer.goto(`${server.url}/chat/3?lang=uk`);
    const survey = customer.locator("#survey");
    await expect(survey).toContainText(uk["What can we help you with?"]);
    await expect(survey.locator("option", { hasText: "Українська" })).toHaveCount(1);
    await survey.getByRole("textbox").first().fill("Не працює інтернет");
    await survey.locator("select").selectOption({ label: "Українська" });
    await customer.locator("#f-name").fill("Ольга Шевченко");
    await customer.locator("#start-submit").click();
    await expect(customer.locator("#screen-chat")).toBeVisible();

    // A Czech agent reads (the customer's page stays open: a chat whose customer left rings nobody) the question in Czech and the answer as the customer gave it.
    const agent = await api(server.url, "agent2");
    const me = await (await agent.get("/api/session")).json();
    expect((await admin.put(`/api/admin/agents/${me.id}/capacity`, { data: { channel: "chat", capacity: 6 } })).status()).toBe(204);
    await signInAt(page, server.url, "agent2");
    await page.getByTestId("language").selectOption("cs");
    await page.getByTestId("agent-status").selectOption("available");
    const offer = page.getByTestId("offer").filter({ hasText: "Ольга Шевченко" });
    await offer.getByTestId("accept").click();
    const summary = page.getByTestId("summary");
    await expect(summary).toContainText(cs["What can we help you with?"]);
    await expect(summary).toContainText("Не працює інтернет");
    await customer.context().close();
  } finally {
    await server.finish(page);
  }
});
