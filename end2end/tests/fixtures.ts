import { APIRequestContext, test as base, expect, Page, request as playwrightRequest } from "@playwright/test";

export const PASSWORD = "hovor-demo";

/** Every page fails its test on an uncaught error: a broken wasm module shows only as a blank page. */
export const test = base.extend<{ page: Page; closeOwnContexts: void }>({
  // Contexts a test opened from the worker's browser close with the test: otherwise their pages
  // keep calling the test's stopped server through every later test of the worker.
  closeOwnContexts: [
    async ({ browser, context }, use) => {
      const before = new Set(browser.contexts());
      await use();
      for (const opened of browser.contexts()) {
        if (!before.has(opened) && opened !== context) await opened.close().catch(() => {});
      }
    },
    { auto: true },
  ],
  page: async ({ page }, use) => {
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    // A Rust panic reaches the page as "unreachable"; its message is what the panic hook logged.
    page.on("console", (m) => {
      if (m.type() === "error" && m.text().includes("panicked at")) errors.push(m.text());
    });
    await use(page);
    expect(errors, "uncaught errors in the page").toEqual([]);
  },
});

export { expect };

export async function signIn(page: Page, username: string) {
  await page.goto("/desk");
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel(/user name/i).fill(username);
  await page.getByLabel(/password/i).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/desk$/);
}

/** Signs in on a server of a test's own (see `own-server.ts`). */
export async function signInAt(page: Page, base: string, username: string) {
  await page.goto(`${base}/login`);
  await page.getByLabel(/user name/i).fill(username);
  await page.getByLabel(/password/i).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/desk$/);
}

/** A signed-in API client, for setting the scene and checking what was stored. */
export async function api(base: string, username: string): Promise<APIRequestContext> {
  const context = await playwrightRequest.newContext({ baseURL: base });
  expect((await context.post("/api/session", { data: { username, password: PASSWORD } })).ok()).toBe(true);
  return context;
}

/** A customer starts a chat in `queue`; returns its id and the customer's own API context. */
export async function startChat(base: string, queue: number, name: string) {
  const setup = await (await fetch(`${base}/api/chat/queues/${queue}`)).json();
  const customer = await playwrightRequest.newContext({ baseURL: base });
  const answers = setup.survey
    .filter((q: any) => q.required)
    .map((q: any) => ({ question_id: q.id, answer: q.options.length ? q.options[0] : "Dotaz" }));
  const started = await customer.post(`/api/chat/queues/${queue}/conversations`, {
    data: { name, answers, visitor: { language: "cs-CZ" } },
  });
  expect(started.status()).toBe(201);
  return { customer, id: (await started.json()).conversation_id as number };
}

/** The customer on the chat page of `queue` (in English) starts a chat about their router and waits for an agent. */
export async function waitInChatPage(customer: Page, base: string, queue: number) {
  await customer.goto(`${base}/chat/${queue}?lang=en`);
  await customer.getByLabel("Your name").fill("Jana Nováková");
  await customer.getByLabel(/What can we help you with/).fill("The router keeps restarting");
  await customer.getByLabel(/Preferred language/).selectOption({ index: 1 });
  await customer.getByRole("button", { name: "Start chat" }).click();
  await expect(customer.getByTestId("chat-status")).toContainText("Waiting for an agent");
}
