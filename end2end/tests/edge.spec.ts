import { Page } from "@playwright/test";
import { api, expect, test } from "./fixtures";
import { OwnServer } from "./own-server";

/** The demo's usual routing settings for a queue, with `changes` over them. */
function routing(changes: Record<string, unknown>) {
  return {
    rona_seconds: 30,
    mask_sensitive: true,
    popover_variables: [
      { field: "customer_name", secure: false },
      { field: "queue", secure: false },
      { field: "wait_time", secure: false },
    ],
    ...changes,
  };
}

/** Fills the chat page's start form: a name and every survey question (text or choice). */
async function fillStartForm(chat: Page, name: string) {
  await chat.locator("#f-name").fill(name);
  for (const input of await chat.locator("#survey [data-question-id]").all()) {
    const tag = await input.evaluate((e) => e.tagName);
    if (tag === "SELECT") await input.selectOption({ index: 1 });
    else await input.fill("Faktura 2026/114");
  }
}

test("a full queue and too many chat starts are explained on the customer's page, in their language, with the form kept", async ({ browser }) => {
  // Two chat starts per address: the first (through the API) fills queue 1, the page's try at queue 1
  // finds it full, and its try at queue 2 is over the address's limit.
  const server = await OwnServer.start("edge-doors", { HOVOR_CHAT_STARTS_PER_ADDRESS: "2" });
  try {
    const admin = await api(server.url, "admin");
    const set = await admin.put("/api/admin/queues/1/routing", { data: routing({ max_waiting: 1 }) });
    expect(set.status()).toBe(204);
    const setup = await (await admin.get("/api/chat/queues/1")).json();
    const answers = setup.survey
      .filter((q: { required: boolean }) => q.required)
      .map((q: { id: number; options: string[] }) => ({ question_id: q.id, answer: q.options[0] ?? "Invoice" }));
    const first = await admin.post("/api/chat/queues/1/conversations", { data: { name: "First Waiting", answers } });
    expect(first.status()).toBe(201);

    const context = await browser.newContext({ locale: "uk-UA" });
    const chat = await context.newPage();
    await chat.goto(`${server.url}/chat/1?lang=uk`);
    await fillStartForm(chat, "Оксана Шевчук");
    await chat.getByRole("button", { name: "Почати чат" }).click();
    await expect(chat.locator("#start-error")).toContainText("черга заповнена");
    await expect(chat.locator("#f-name")).toHaveValue("Оксана Шевчук");
    await expect(chat.getByRole("button", { name: "Почати чат" })).toBeEnabled();

    await chat.goto(`${server.url}/chat/2?lang=cs`);
    await fillStartForm(chat, "Jan Novák");
    await chat.getByRole("button", { name: "Zahájit chat" }).click();
    await expect(chat.getByRole("alert").filter({ hasText: "příliš mnoho chatů" })).toBeVisible();
    await expect(chat.locator("#f-name")).toHaveValue("Jan Novák");
    // Start waits out the limit instead of inviting another refused try.
    await expect(chat.locator("#start-submit")).toBeDisabled();
    await context.close();
  } finally {
    await server.down();
  }
});

test("wrong passwords make the sign-in wait, said in the agent's language, with the user name kept", async ({ browser }) => {
  // A server of its own: the address's failures must not slow the other journeys' sign-ins.
  const server = await OwnServer.start("edge-sign-in");
  try {
    const context = await browser.newContext({ locale: "bg-BG" });
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    const user = page.locator("input[autocomplete=username]");
    const password = page.locator("input[type=password]");
    const submit = page.locator("button[type=submit]");
    const alert = page.locator("#sign-in-error");
    await user.fill("agent8");
    for (let attempt = 1; attempt <= 3; attempt++) {
      await password.fill(`wrong-${attempt}`);
      await password.press("Enter");
      await expect(submit).toBeEnabled();
      await expect(alert).toHaveText("Непознато потребителско име или грешна парола.");
    }
    // Three tries are free; after that each failure doubles the wait (1 s, 2 s, …), so one of the
    // next tries lands inside a wait however slow this machine is.
    const wait = /Твърде много опити за вход\. Опитайте отново след \d+ сек\./;
    for (let attempt = 4; attempt <= 8 && !wait.test((await alert.textContent()) ?? ""); attempt++) {
      await password.fill(`wrong-${attempt}`);
      await password.press("Enter");
      await expect(submit).toBeEnabled();
    }
    await expect(alert).toHaveText(wait);
    await expect(user).toHaveValue("agent8");
    await context.close();
  } finally {
    await server.down();
  }
});
