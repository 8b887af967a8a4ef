import { APIRequestContext, Browser, Page, request as playwrightRequest } from "@playwright/test";
import { test, expect, PASSWORD, api } from "./fixtures";
import { OwnServer } from "./own-server";

// Working together, in two browser contexts: the owner of an email invites a colleague, who accepts,
// reads the thread and proposes a draft the owner inserts; the owner of a chat adds a colleague, both
// write, and the customer sees both names.

const TOKEN = "e2e-collaboration-gateway";
const AGENTS: Record<string, string> = {
  "Tereza Malá": "agent1", "Petr Svoboda": "agent2", "Ivan Petrov": "agent3", "Oksana Koval": "agent4",
  "Emily Carter": "agent5", "Lucie Horáková": "agent6", "Georgi Dimitrov": "agent7", "Andriy Melnyk": "agent8",
};

async function signedInPage(browser: Browser, base: string, username: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => { if (m.type() === "error") console.log(`[${username}] ${m.text()}`); });
  (page as unknown as { errors: string[] }).errors = errors;
  await page.goto(`${base}/login`);
  await page.getByLabel(/user name/i).fill(username);
  await page.getByLabel(/password/i).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/desk$/);
  return page;
}

/** The first agent among the owner's colleagues for the conversation: `[id, name, username]`. */
async function colleagueOf(owner: APIRequestContext, id: number): Promise<[number, string, string]> {
  const view = await (await owner.get(`/api/conversations/${id}/collaboration`)).json();
  const colleague = view.colleagues.find((c: { name: string }) => AGENTS[c.name]);
  return [colleague.id, colleague.name, AGENTS[colleague.name]];
}

test("an invited colleague proposes a draft that the owner inserts into the reply", async ({ browser }) => {
  const server = await OwnServer.start("collaboration-email", { HOVOR_INBOUND_EMAIL_TOKEN: TOKEN });
  try {
    const owner = await api(server.url, "agent1");
    expect((await owner.put("/api/me/status", { data: { state: "available" } })).ok()).toBe(true);
    const gateway = await playwrightRequest.newContext({ baseURL: server.url });
    const raw = "From: Jana <jana@example.cz>\r\nTo: billing@hovor.example\r\nSubject: VAT on invoice 77\r\n" +
      "Message-ID: <vat77@example.cz>\r\n\r\nIs the VAT on invoice 77 right?\r\n";
    const posted = await gateway.post("/api/email/inbound", { headers: { authorization: `Bearer ${TOKEN}` }, data: Buffer.from(raw) });
    expect(posted.status()).toBe(201);
    const { conversation_id: id } = await posted.json();
    expect((await (await owner.post("/api/offers/accept", { data: { conversation_ids: [id] } })).json()).accepted).toEqual([id]);
    const [colleagueId, colleagueName, colleagueUser] = await colleagueOf(owner, id);

    // The owner: New invitation (agent, message), Send.
    const a = await signedInPage(browser, server.url, "agent1");
    await a.goto(`${server.url}/desk/${id}`);
    const pane = a.getByTestId("collaboration");
    await a.getByTestId("side-collaboration").click();
    await pane.getByTestId("invitation-send").click();
    await expect(pane.locator('[data-field="invitee_id"]')).toBeVisible();
    await pane.getByTestId("invitation-agent").selectOption(String(colleagueId));
    await pane.getByTestId("invitation-message").fill("Could you check the VAT rate?");
    await pane.getByTestId("invitation-send").click();
    const invitation = pane.getByTestId("invitation");
    await expect(invitation).toHaveAttribute("data-status", "pending");
    await expect(invitation).toContainText(colleagueName);

    // The colleague, in another browser context: Invitations, Accept, Open, read the thread, propose.
    const b = await signedInPage(browser, server.url, colleagueUser);
    await b.getByTestId("nav-invitations").click();
    const row = b.getByTestId("invitation-row");
    await expect(row).toContainText("VAT on invoice 77");
    await expect(row).toContainText("Could you check the VAT rate?");
    await row.getByTestId("invitation-accept").click();
    await expect(row).toHaveAttribute("data-status", "accepted");
    await row.getByTestId("invitation-open").click();
    await expect(b.getByTestId("email-thread").getByTestId("email-text")).toContainText("Is the VAT on invoice 77 right?");
    const mine = b.getByTestId("my-invitation");
    await mine.getByTestId("proposal").fill("The rate is 21 %, so invoice 77 is right.");
    await mine.getByTestId("proposal-send").click();
    await expect(mine).toHaveAttribute("data-status", "answered");

    // The owner: Refresh shows the answer; Insert puts the proposal into the reply.
    await pane.getByTestId("collab-refresh").click();
    await expect(invitation).toHaveAttribute("data-status", "answered");
    await expect(invitation.getByTestId("invitation-proposal")).toHaveText("The rate is 21 %, so invoice 77 is right.");
    await invitation.getByTestId("invitation-insert").click();
    await expect(a.getByTestId("composer")).toHaveValue("The rate is 21 %, so invoice 77 is right.");

    // Delete: the invitation leaves both sides.
    await invitation.getByTestId("invitation-delete").click();
    await expect(pane.getByTestId("invitation")).toHaveCount(0);
    await b.getByTestId("nav-invitations").click();
    await expect(b.getByTestId("invitation-row")).toHaveCount(0);
    for (const page of [a, b]) expect((page as unknown as { errors: string[] }).errors).toEqual([]);
  } finally {
    await server.down();
  }
});

test("a collaborator writes in the owner's chat and the customer sees both names", async ({ browser }) => {
  const server = await OwnServer.start("collaboration-chat");
  try {
    const owner = await api(server.url, "agent1");
    expect((await owner.put("/api/me/status", { data: { state: "available" } })).ok()).toBe(true);
    // The demo's first queue (Billing and payments), one of agent1's.
    const queue = 1;
    const customer = await playwrightRequest.newContext({ baseURL: server.url });
    const setup = await (await customer.get(`/api/chat/queues/${queue}`)).json();
    const answers = setup.survey.filter((q: { required: boolean }) => q.required)
      .map((q: { id: number; options: string[] }) => ({ question_id: q.id, answer: q.options[0] ?? "My invoice" }));
    const started = await customer.post(`/api/chat/queues/${queue}/conversations`, { data: { name: "Jana", answers } });
    expect(started.status()).toBe(201);
    const { conversation_id: id } = await started.json();
    expect((await (await owner.post("/api/offers/accept", { data: { conversation_ids: [id] } })).json()).accepted).toEqual([id]);
    const [colleagueId, colleagueName, colleagueUser] = await colleagueOf(owner, id);

    const a = await signedInPage(browser, server.url, "agent1");
    const b = await signedInPage(browser, server.url, colleagueUser);
    await a.goto(`${server.url}/desk/${id}`);
    const pane = a.getByTestId("collaboration");
    await a.getByTestId("side-collaboration").click();
    await pane.getByTestId("collaborator-agent").selectOption(String(colleagueId));
    await pane.getByTestId("collaborator-add").click();
    await expect(pane.getByTestId("collaborator")).toHaveText(new RegExp(colleagueName));

    // The colleague's task list gets the chat; they write in it, without End or transfer.
    const task = b.locator(`a[data-testid="task"][href="/desk/${id}"]`);
    await expect(task).toBeVisible();
    await task.click();
    await expect(b.getByTestId("collaborating")).toBeVisible();
    await b.getByTestId("composer").fill("I handle refunds; I will add it now.");
    await b.getByTestId("composer").press("Enter");
    await expect(a.getByTestId("timeline-message").filter({ hasText: "I will add it now" })).toBeVisible();
    await a.getByTestId("composer").fill("Thank you, my colleague is on it.");
    await a.getByTestId("composer").press("Enter");
    await expect(b.getByTestId("timeline-message").filter({ hasText: "my colleague is on it" })).toBeVisible();

    const view = await (await customer.get("/api/chat/conversation")).json();
    const authors = view.messages.filter((m: { direction: string }) => m.direction === "outbound").map((m: { author: string }) => m.author);
    expect(authors).toEqual([colleagueName, "Tereza Malá"]);
    for (const page of [a, b]) expect((page as unknown as { errors: string[] }).errors).toEqual([]);
  } finally {
    await server.down();
  }
});
