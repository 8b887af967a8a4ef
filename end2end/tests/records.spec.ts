import { APIRequestContext, Page } from "@playwright/test";
import { test, expect, signInAt, api, startChat } from "./fixtures";
import { OwnServer } from "./own-server";

// Customer records: each journey runs on its own server and demo database, so its edits, merges and
// tags cannot change what the other journeys see.

async function createContact(agent: APIRequestContext, first: string, last: string, extra: object = {}) {
  const created = await agent.post("/api/contacts", {
    data: { fields: { version: null, first_name: first, last_name: last, language: "cs", account_id: null }, ...extra },
  });
  expect(created.status()).toBe(201);
  return created.json();
}

async function acceptChat(page: Page, id: number) {
  await page.getByTestId("agent-status").selectOption("available");
  const offer = page.locator(`[data-testid="offer"][data-conversation="${id}"]`);
  await offer.getByTestId("accept").click();
  await expect(page).toHaveURL(new RegExp(`/desk/${id}$`));
}

/** The demo's returning customer (Božena Šťastná): interactions across chat, email and voice. */
async function returningContact(base: string) {
  const agent = await api(base, "agent2");
  const found = await (await agent.get("/api/directory?q=%C5%A0%C5%A5astn%C3%A1")).json();
  const entry = found.entries.find((e: any) => e.name === "Božena Šťastná");
  return (await agent.get(`/api/contacts/${entry.id}`)).json();
}

test("a returning customer is found by phone in any spacing, linked, and their history opens in place", async ({ page }) => {
  test.setTimeout(120_000);
  const server = await OwnServer.start("records-link");
  try {
    const contact = await returningContact(server.url);
    // Her work phone: the duplicate shares only her mobile.
    const phone: string = contact.phones.find((p: any) => !p.is_default).value;
    // The agent types the digits in another spacing than the directory keeps them.
    const digits = phone.replace(/\D/g, "");
    const typed = `${digits.slice(0, 3)} ${digits.slice(3, 6)}-${digits.slice(6)}`;

    // agent2 (Petr Svoboda) works "Technical support" and "Orders and delivery" (queues 2 and 3).
    await page.setViewportSize({ width: 1440, height: 900 });
    await signInAt(page, server.url, "agent2");
    const chat = await startChat(server.url, 3, "Neznámý zákazník");
    // Written while waiting: before the chat's acceptance on the timeline.
    const early = await chat.customer.post("/api/chat/messages", { data: { body: "Dobrý den, čekám na spojení." } });
    expect(early.status()).toBe(201);
    await acceptChat(page, chat.id);

    const card = page.getByTestId("customer-card");
    await expect(card).toContainText("No customer is linked");
    await expect(card.getByTestId("known-customer")).toContainText("Neznámý zákazník");
    await card.getByTestId("set-contact").click();
    await card.getByTestId("directory-query").fill(typed);
    const results = card.getByTestId("directory-entry");
    await expect(results).toHaveCount(1);
    await expect(results.first()).toContainText(`${contact.first_name} ${contact.last_name}`);
    await results.first().getByTestId("directory-choose").click();

    await expect(card.getByTestId("card-name")).toHaveText(`${contact.first_name} ${contact.last_name}`);
    // The timeline now follows the contact: their earlier interactions appear above this chat.
    await expect(page.getByTestId("related-records")).toContainText(contact.last_name);
    await expect(page.getByTestId("timeline").locator('[data-kind="interaction"]').first()).toBeVisible();
    // This chat has one heading, above the message written while waiting.
    const current = page.getByTestId("timeline").locator('[data-testid="timeline-separator"][data-current="true"]');
    await expect(current).toHaveCount(1);

    // Typed and not yet saved: a quick note on the contact, the operator note, a parameter's new value.
    // Nothing of it is lost when another parameter is added or the linked contact changes.
    const note = page.getByTestId("quick-note-input");
    await note.fill("Volala kvůli faktuře");
    await page.getByTestId("side-session").click();
    const session = page.getByTestId("session-data");
    const operatorNote = session.getByTestId("operator-note").locator("textarea");
    await operatorNote.fill("Předat účtárně");
    const addParameter = async (key: string, value: string) => {
      const form = session.getByTestId("add-parameter");
      await form.getByLabel("New parameter").fill(key);
      await form.getByLabel("Value").fill(value);
      await form.getByRole("button", { name: "Add" }).click();
      await expect(session.locator(`[data-testid="parameter"][data-key="${key}"] input`)).toHaveValue(value);
    };
    await addParameter("objednavka", "123");
    const order = session.locator('[data-testid="parameter"][data-key="objednavka"] input');
    await order.fill("456");
    await addParameter("faktura", "9");
    await expect(order).toHaveValue("456");
    await page.getByTestId("side-customer").click();
    await card.getByTestId("card-options").click();
    await card.getByTestId("unlink-contact").click();
    await expect(card).toContainText("No customer is linked");
    await card.getByTestId("set-contact").click();
    await card.getByTestId("directory-query").fill(typed);
    // The list shows recent contacts until the debounced search answers: wait for the one match.
    await expect(results).toHaveCount(1);
    await expect(results.first()).toContainText(contact.last_name);
    await results.first().getByTestId("directory-choose").click();
    await expect(card.getByTestId("card-name")).toHaveText(`${contact.first_name} ${contact.last_name}`);
    await expect(note).toHaveValue("Volala kvůli faktuře");
    await page.getByTestId("side-session").click();
    await expect(operatorNote).toHaveValue("Předat účtárně");
    await expect(order).toHaveValue("456");
    await page.getByTestId("side-customer").click();

    // History (in the Customer sub-pane): every interaction, this chat included; one opens in place and
    // Hide returns to the list.
    await page.getByTestId("side-customer").click();
    await card.getByRole("tab", { name: "History" }).click();
    const items = card.getByTestId("history-item");
    await expect(items.first()).toBeVisible();
    expect(await items.count()).toBeGreaterThan(1);
    await expect(card.locator(`[data-testid="history-item"][data-conversation="${chat.id}"]`)).toHaveCount(1);
    const older = items.nth(1);
    const olderId = await older.getAttribute("data-conversation");
    await older.getByRole("button").click();
    const transcript = card.getByTestId("transcript");
    await expect(transcript.getByTestId("transcript-details")).toContainText(contact.last_name);
    for (const name of ["Details", "Suggested responses", "Notes"]) {
      await expect(transcript.getByRole("tab", { name })).toBeVisible();
    }
    await transcript.getByTestId("hide-transcript").click();
    await expect(transcript).toHaveCount(0);
    await expect(card.locator(`[data-testid="history-item"][data-conversation="${olderId}"]`)).toBeVisible();

    // Unlink, from the card's Options: the conversation has no contact again.
    await card.getByTestId("card-options").click();
    await card.getByTestId("unlink-contact").click();
    await expect(card).toContainText("No customer is linked");
    await chat.customer.post("/api/chat/end");
  } finally {
    await server.finish(page);
  }
});

test("merging a duplicate moves its details and interactions to the master; undo restores both", async ({ page }) => {
  test.setTimeout(120_000);
  const server = await OwnServer.start("records-merge");
  try {
    const agent = await api(server.url, "agent1");
    const master = await createContact(agent, "Květoslava", "Šťovíčková", { phone: "+420 777 100 200", email: "kvetoslava@example.cz" });
    const duplicate = await createContact(agent, "Kvetoslava", "Stovickova", { email: "k.stovickova@posta.cz" });
    // One of agent1's conversations belongs to the duplicate.
    const [task] = await (await agent.get("/api/tasks")).json();
    expect((await agent.put(`/api/conversations/${task.id}/contact`, { data: { contact_id: duplicate.id } })).ok()).toBe(true);

    await page.setViewportSize({ width: 1440, height: 900 });
    await signInAt(page, server.url, "agent1");
    await page.getByTestId("nav-directory").click();
    await expect(page).toHaveURL(/\/desk\/directory$/);
    const directory = page.getByTestId("directory");
    await directory.getByTestId("directory-query").fill("stovickova");
    await expect(directory.getByTestId("directory-entry")).toHaveCount(2);
    await directory.getByTestId("directory-entry").filter({ hasText: "kvetoslava@example.cz" }).getByTestId("directory-choose").click();

    const detail = page.getByTestId("directory-detail");
    await expect(detail.getByTestId("contact-name")).toHaveText("Květoslava Šťovíčková");
    await detail.getByTestId("merge-contact").click();
    const dialog = page.getByTestId("merge-dialog");
    await dialog.getByTestId("directory-entry").filter({ hasText: "k.stovickova@posta.cz" }).getByTestId("directory-choose").click();
    const compare = dialog.getByTestId("merge-compare");
    await expect(compare).toContainText("Šťovíčková");
    await expect(compare).toContainText("Stovickova");
    await dialog.getByTestId("merge-last_name-master").check();
    await dialog.getByTestId("merge-confirm").click();
    await expect(dialog).toHaveCount(0);

    // The master keeps its name and gains the duplicate's email; the duplicate leaves the directory.
    await expect(detail.getByTestId("detail-email")).toHaveCount(2);
    await expect(detail.getByTestId("contact-name")).toHaveText("Květoslava Šťovíčková");
    await directory.getByTestId("directory-query").fill("kvetoslava stovic");
    await expect(directory.getByTestId("directory-entry")).toHaveCount(1);
    let card = await (await agent.get(`/api/conversations/${task.id}/customer`)).json();
    expect(card.contact.id).toBe(master.id);

    await detail.getByRole("tab", { name: "Merge details" }).click();
    await expect(detail.getByTestId("merges").locator("li")).toHaveCount(1);
    await expect(detail.getByTestId("merges")).toContainText("Kvetoslava Stovickova");
    await detail.getByTestId("undo-merge").click();
    await expect(detail.getByTestId("merges").locator("li[data-undone='true']")).toHaveCount(1);
    await expect(detail.getByTestId("undo-merge")).toBeDisabled();

    // Both contacts are back as they were, and so is the conversation.
    await detail.getByRole("tab", { name: "Contact" }).click();
    await expect(detail.getByTestId("detail-email")).toHaveCount(1);
    await expect(detail.getByTestId("detail-email")).toContainText("kvetoslava@example.cz");
    await directory.getByTestId("directory-query").fill("kvetoslava stovickova");
    await expect(directory.getByTestId("directory-entry")).toHaveCount(2);
    card = await (await agent.get(`/api/conversations/${task.id}/customer`)).json();
    expect(card.contact.id).toBe(duplicate.id);
    const restored = await (await agent.get(`/api/contacts/${duplicate.id}`)).json();
    expect(restored.emails.map((e: any) => e.value)).toEqual(["k.stovickova@posta.cz"]);
    expect(restored.last_name).toBe("Stovickova");
  } finally {
    await server.finish(page);
  }
});

async function openContact(page: Page, base: string, username: string, query: string) {
  await signInAt(page, base, username);
  await page.getByTestId("nav-directory").click();
  await page.getByTestId("directory-query").fill(query);
  await expect(page.getByTestId("directory-entry")).toHaveCount(1);
  await page.getByTestId("directory-entry").getByTestId("directory-choose").click();
  await expect(page.getByTestId("directory-detail").getByTestId("contact")).toBeVisible();
}

test("a chunk that fails to download says so, and Try again fetches it", async ({ browser }) => {
  const server = await OwnServer.start("records-chunk");
  const page = await (await browser.newContext()).newPage();
  // The chunk loader starts a download before it awaits it, so a refused one is also reported as an
  // unhandled rejection; any other uncaught error still fails the journey.
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  try {
    // The records chunk (the Directory page, record forms) is refused until the agent tries again.
    let blocked = true;
    await page.route("**/app/*/pack_records.bin", (route) => (blocked ? route.abort() : route.continue()));
    await page.setViewportSize({ width: 1440, height: 900 });
    await signInAt(page, server.url, "agent1");
    await page.getByTestId("nav-directory").click();
    const failed = page.getByRole("alert").filter({ hasText: "This section could not be loaded." });
    await expect(failed).toBeVisible();
    await expect(page.getByTestId("directory")).toHaveCount(0);
    blocked = false;
    await failed.getByRole("button", { name: "Try again" }).click();
    await expect(page.getByTestId("directory")).toBeVisible();
    await page.getByTestId("directory-query").fill("Šťastná");
    await expect(page.getByTestId("directory-entry").first()).toBeVisible();
    expect(errors.filter((e) => e !== "Failed to fetch")).toEqual([]);
  } finally {
    await page.context().close();
    await server.down();
  }
});

test("an account keeps several phones, emails, identifiers and addresses; a contact's address is added and edited", async ({ page }) => {
  test.setTimeout(120_000);
  const server = await OwnServer.start("records-details");
  try {
    const agent = await api(server.url, "agent1");
    const created = await agent.post("/api/accounts", {
      data: { version: null, name: "Květinářství Zvonek", city: "Olomouc", country: "Česko", phone: "+420 585 000 111" },
    });
    expect(created.status()).toBe(201);
    await createContact(agent, "Zdeňka", "Zvonková", { email: "zdenka@zvonek.cz" });

    await page.setViewportSize({ width: 1440, height: 900 });
    await signInAt(page, server.url, "agent1");
    await page.getByTestId("nav-directory").click();
    await page.getByTestId("directory-query").fill("kvetinarstvi zvonek");
    await expect(page.getByTestId("directory-entry")).toHaveCount(1);
    await page.getByTestId("directory-entry").getByTestId("directory-choose").click();
    const account = page.getByTestId("directory-detail").getByTestId("account");
    await expect(account.getByTestId("detail-phone")).toHaveCount(1);

    // A second phone, made the default; an email; a malformed email refused next to its field.
    await account.getByTestId("add-detail").click();
    const form = account.getByTestId("add-detail-form");
    await form.getByLabel("Value").fill("+420 585 000 222");
    await form.getByLabel("Make it the default").check();
    await form.getByTestId("add-detail-save").click();
    await expect(account.getByTestId("detail-phone")).toHaveCount(2);
    await expect(account.locator('[data-testid="detail-phone"][data-default="true"]')).toContainText("+420 585 000 222");
    await account.getByTestId("add-detail").click();
    await form.getByLabel("Kind").selectOption("email");
    await form.getByLabel("Value").fill("objednavky-zvonek.cz");
    await form.getByTestId("add-detail-save").click();
    await expect(form.locator('[data-field="value"]')).toBeVisible();
    await expect(form.getByLabel("Value")).toHaveValue("objednavky-zvonek.cz"); // nothing typed is lost
    await form.getByLabel("Value").fill("objednavky@zvonek.cz");
    await form.getByTestId("add-detail-save").click();
    await expect(account.locator('[data-testid="detail-email"][data-default="true"]')).toContainText("objednavky@zvonek.cz");

    // Mark as default moves the default back to the first phone.
    await account.locator('[data-testid="detail-phone"]', { hasText: "585 000 111" }).getByTestId("mark-default").click();
    await expect(account.locator('[data-testid="detail-phone"][data-default="true"]')).toContainText("+420 585 000 111");

    // An address is added, then edited in place.
    await account.getByTestId("add-address").click();
    const address = account.getByTestId("address-form");
    await address.getByLabel("Label").fill("shop");
    await address.getByLabel("Street").fill("Horní náměstí 5");
    await address.getByLabel("Postcode").fill("779 00");
    await address.getByLabel("City").fill("Olomouc");
    await address.getByTestId("address-save").click();
    await expect(account.getByTestId("address")).toContainText("Horní náměstí 5, 779 00, Olomouc");
    await account.getByTestId("address").getByTestId("edit-address").click();
    await account.getByTestId("address-form").getByLabel("Street").fill("Horní náměstí 7");
    await account.getByTestId("address-form").getByTestId("address-save").click();
    await expect(account.getByTestId("address")).toContainText("Horní náměstí 7");

    // The directory finds the account by its new email; the server has all of it.
    const found = await (await agent.get("/api/directory?q=objednavky%40zvonek")).json();
    expect(found.entries.map((e: any) => e.name)).toEqual(["Květinářství Zvonek"]);
    const saved = await (await agent.get(`/api/accounts/${(await created.json()).id}`)).json();
    expect(saved.phones.map((p: any) => [p.value, p.is_default])).toEqual([["+420 585 000 111", true], ["+420 585 000 222", false]]);
    expect(saved.addresses.map((a: any) => a.street)).toEqual(["Horní náměstí 7"]);

    // A contact's address works the same way.
    await page.getByTestId("directory-query").fill("zvonkova");
    // The account's entry stays until the debounced search answers: wait for the contact's.
    await expect(page.getByTestId("directory-entry")).toHaveText(/Zdeňka Zvonková/);
    await page.getByTestId("directory-entry").getByTestId("directory-choose").click();
    const contact = page.getByTestId("directory-detail").getByTestId("contact");
    await contact.getByTestId("add-address").click();
    await contact.getByTestId("address-form").getByLabel("Street").fill("Dolní 2");
    await contact.getByTestId("address-form").getByLabel("City").fill("Olomouc");
    await contact.getByTestId("address-form").getByTestId("address-save").click();
    await expect(contact.getByTestId("address")).toContainText("Dolní 2, Olomouc");
  } finally {
    await server.finish(page);
  }
});

test("two agents edit one contact: the later save is refused with the other's values, compared and re-applied", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const server = await OwnServer.start("records-conflict");
  try {
    const agent = await api(server.url, "agent1");
    await createContact(agent, "Tomáš", "Šnajdrvint", { email: "tomas.snajdrvint@example.cz" });
    const other = await (await browser.newContext()).newPage();
    await page.setViewportSize({ width: 1440, height: 900 });
    await other.setViewportSize({ width: 1440, height: 900 });
    await openContact(page, server.url, "agent1", "snajdrvint");
    await openContact(other, server.url, "agent2", "snajdrvint");

    // Both open the editor on the same version.
    await page.getByTestId("contact-edit").click();
    await other.getByTestId("contact-edit").click();

    // agent2 (Petr Svoboda) saves first: a new last name.
    const theirForm = other.getByTestId("contact-form");
    await theirForm.getByLabel("Last name").fill("Šnajdrvint-Malý");
    await theirForm.getByTestId("contact-save").click();
    await expect(other.getByTestId("contact-name")).toHaveText("Tomáš Šnajdrvint-Malý");

    // agent1 then changes the first name and is refused, with agent2's values and name.
    const form = page.getByTestId("contact-form");
    await form.getByLabel("First name").fill("Tomas");
    await form.getByTestId("contact-save").click();
    const conflict = page.getByTestId("conflict");
    await expect(conflict).toContainText("Petr Svoboda");
    await expect(conflict.getByTestId("conflict-theirs")).toContainText(["Tomáš", "Šnajdrvint-Malý", "cs"]);
    await expect(conflict.getByTestId("conflict-mine")).toContainText(["Tomas", "Šnajdrvint", "cs"]);
    await expect(page.getByTestId("contact-name")).toHaveText("Tomáš Šnajdrvint"); // nothing applied yet

    // Re-apply: agent1's change goes on top of agent2's, nothing of agent2's is lost.
    await conflict.getByTestId("conflict-reapply").click();
    await expect(conflict).toHaveCount(0);
    await expect(page.getByTestId("contact-name")).toHaveText("Tomas Šnajdrvint-Malý");
    const found = await (await agent.get("/api/directory?q=snajdrvint")).json();
    const saved = await (await agent.get(`/api/contacts/${found.entries[0].id}`)).json();
    expect([saved.first_name, saved.last_name, saved.version]).toEqual(["Tomas", "Šnajdrvint-Malý", 3]);

    // Every change is on the record with who made it.
    await page.getByTestId("audit-toggle").click();
    const audit = page.getByTestId("audit");
    await expect(audit).toContainText("Petr Svoboda");
    await expect(audit).toContainText("Šnajdrvint → Šnajdrvint-Malý");
    await expect(audit).toContainText("Tomáš → Tomas");
    await other.context().close();
  } finally {
    await server.finish(page);
  }
});

test("tags come from typing, the company list, the agent's recent tags and keyword rules; the task list filters by them", async ({ page }) => {
  test.setTimeout(120_000);
  const server = await OwnServer.start("records-tags");
  try {
    await page.setViewportSize({ width: 1440, height: 900 });
    await signInAt(page, server.url, "agent3");
    // Counted once the list has loaded, not while it is still on its way.
    await expect(page.getByTestId("task-list")).toHaveAttribute("data-state", "ready");
    const tasksBefore = await page.getByTestId("task").count();
    const chat = await startChat(server.url, 3, "Zákazník s reklamací");
    await acceptChat(page, chat.id);

    await page.getByTestId("side-session").click();
    const session = page.getByTestId("session-data");
    const tags = session.getByTestId("conversation-tags").getByTestId("tag");
    // A new tag, typed and confirmed with Enter; then a company tag from the list.
    await session.getByTestId("tag-input").fill("Expresní doručení");
    await session.getByTestId("tag-input").press("Enter");
    await expect(tags).toHaveText(["Expresní doručení"]);
    await session.getByTestId("tag-input").fill("VIP");
    await session.getByTestId("tag-input").press("Enter");
    await expect(tags).toHaveCount(2);
    const vip = session.locator('[data-testid="tag"][data-tag="VIP"]');
    const colours = await vip.evaluate((el) => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]);
    expect(colours[0]).not.toBe(colours[1]);

    // A keyword in the customer's message tags the conversation by itself, live.
    const sent = await chat.customer.post("/api/chat/messages", { data: { body: "Dobrý den, chci podat reklamaci." }, headers: { "Idempotency-Key": "k1" } });
    expect(sent.ok()).toBe(true);
    await expect(session.locator('[data-testid="tag"][data-tag="Complaint"]')).toHaveCount(1);
    await expect(tags).toHaveCount(3);

    // Another conversation offers this agent's recent tag with a dotted "+".
    const other = page.locator(`[data-testid="task"]:not([href="/desk/${chat.id}"])`).first();
    await other.click();
    // Each conversation opens on Overview.
    await page.getByTestId("side-session").click();
    const recent = page.getByTestId("session-data").locator('[data-testid="recent-tag"][data-tag="Expresní doručení"]');
    await expect(recent).toHaveText("+ Expresní doručení");
    await expect(recent).toHaveCSS("border-style", "dashed");
    await recent.click();
    await expect(page.getByTestId("session-data").getByTestId("conversation-tags").getByTestId("tag")).toContainText(["Expresní doručení"]);

    // The task list filters by tag.
    await expect(page.getByTestId("task")).toHaveCount(tasksBefore + 1);
    await page.getByTestId("tag-filter").selectOption({ label: "Expresní doručení" });
    await expect(page.getByTestId("task")).toHaveCount(2);
    await page.getByTestId("tag-filter").selectOption({ label: "Complaint" });
    await expect(page.getByTestId("task")).toHaveCount(1);
    await expect(page.getByTestId("task")).toHaveAttribute("href", `/desk/${chat.id}`);
    await page.getByTestId("tag-filter").selectOption({ label: "All tags" });
    await expect(page.getByTestId("task")).toHaveCount(tasksBefore + 1);

    // Removing a tag: the "X" beside it.
    await page.locator(`[data-testid="task"][href="/desk/${chat.id}"]`).click();
    await page.getByTestId("side-session").click();
    const vipItem = page.getByTestId("session-data").locator("li", { has: page.locator('[data-tag="VIP"]') });
    await vipItem.hover();
    await vipItem.getByTestId("remove-tag").click();
    await expect(page.getByTestId("session-data").locator('[data-testid="conversation-tags"] [data-tag="VIP"]')).toHaveCount(0);
    await chat.customer.post("/api/chat/end");
  } finally {
    await server.finish(page);
  }
});
