import { readFileSync } from "node:fs";
import { test, expect, api, signInAt, startChat, PASSWORD } from "./fixtures";
import { OwnServer } from "./own-server";

// Listings → Interactions: an agent finds today's chat by its text, sorts, opens its detail, exports
// the list (and cancels another export); a deep link opens the detail after sign-in; an administrator
// reviews it and anonymises it; an agent without rights to it gets nothing.

test("an agent finds a chat in the listing, opens its detail, exports the list, and a deep link works after sign-in", async ({ page, browser }) => {
  const server = await OwnServer.start("listings");
  try {
    const { customer, id } = await startChat(server.url, 3, "Lístek Zákazník");
    expect((await customer.post("/api/chat/messages", { data: { body: "=SUM(1+1) reklamace faktury 4711" } })).status()).toBe(201);
    const agent = await api(server.url, "agent2");
    expect((await agent.put("/api/me/status", { data: { state: "available" } })).ok()).toBe(true);
    await expect
      .poll(async () => (await (await agent.post("/api/offers/accept", { data: { conversation_ids: [id] } })).json()).accepted)
      .toEqual([id]);

    await page.setViewportSize({ width: 1366, height: 768 });
    await signInAt(page, server.url, "agent2");
    await page.getByTestId("nav-listings").click();
    await expect(page).toHaveURL(/\/desk\/listings$/);
    const list = page.getByTestId("listing");
    await expect(list).toHaveAttribute("data-state", "ready");

    // Chats, text too short: said beside the field, nothing sent.
    await page.locator('[data-testid="listing-channel"][data-channel="chat"]').click();
    await expect(page.locator('[data-testid="listing-channel"][data-channel="chat"]')).toHaveAttribute("aria-pressed", "true");
    await page.getByTestId("listing-text").fill("4");
    await page.getByTestId("listing-search").click();
    await expect(page.locator('[data-field="text"]')).toHaveText("At least 2 characters.");
    await page.getByTestId("listing-text").fill("4711");
    await page.getByTestId("listing-text").press("Enter");
    await expect(page.locator('[data-field="text"]')).toHaveCount(0);
    const row = page.locator(`[data-testid="listing-row"][data-name="chat-${id}"]`);
    await expect(row).toBeVisible();
    await expect(page.getByTestId("listing-row")).toHaveCount(1);
    await expect(page.getByTestId("listing-found")).toHaveText("Found: 1");
    await expect(row).toContainText("Lístek Zákazník");
    await expect(row.getByTestId("listing-status")).toHaveText("Active");

    // Users offers whose interactions the agent may see: only their own, without grants.
    const users = page.getByTestId("listing-users");
    await users.locator("summary").click();
    // Their team first (a group: choosing it chooses its members), then themselves.
    await expect(users.getByTestId("listing-group")).toHaveCount(1);
    await expect(users.getByRole("checkbox")).toHaveCount(2);
    await users.getByTestId("listing-group").getByRole("checkbox").check();
    await expect(users.getByLabel("Petr Svoboda")).toBeChecked();
    await expect(users.locator("summary")).toHaveText("Users: 1 chosen");
    await page.getByTestId("listing-search").click();
    await expect(page.getByTestId("listing-found")).toHaveText("Found: 1");
    await users.locator("summary").click();

    // A header sorts; the second click reverses.
    const queue = page.locator('th:has([data-column="queue"])');
    await page.locator('[data-testid="listing-sort"][data-column="queue"]').click();
    await expect(queue).toHaveAttribute("aria-sort", "ascending");
    await page.locator('[data-testid="listing-sort"][data-column="queue"]').click();
    await expect(queue).toHaveAttribute("aria-sort", "descending");
    await expect(row).toBeVisible();

    // The eye: the detail with the agent's activity and the timed path; Escape returns to the list.
    await row.getByTestId("listing-detail").click();
    await expect(page).toHaveURL(new RegExp(`activityDetail=chat-${id}$`));
    const detail = page.getByTestId("listing-detail-panel");
    await expect(detail).toHaveAttribute("data-name", `chat-${id}`);
    await expect(detail.getByTestId("detail-activity")).toHaveCount(1);
    await expect(detail.getByTestId("detail-activity")).toContainText("Petr");
    await expect(detail.locator('[data-testid="detail-step"][data-kind="queued"]')).toHaveCount(1);
    await expect(detail.locator('[data-testid="detail-step"][data-kind="offered"]')).toContainText("Petr Svoboda");
    await expect(detail.locator('[data-testid="detail-step"][data-kind="answered"]')).toHaveCount(1);
    await expect(page.locator("#listing-detail-title")).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(detail).toHaveCount(0);
    await expect(page).toHaveURL(/\/desk\/listings$/);
    await expect(row).toBeVisible();

    // DAK's "+": the detail opens with the contact search; a new contact (its rule beside the field)
    // is created and paired, the chat merged into a case; both show in the list and the detail, and
    // the contact opens in the directory.
    await row.getByTestId("listing-pair").click();
    await expect(detail.getByTestId("links-query")).toBeFocused();
    await detail.getByTestId("links-query").fill("zzzz-nobody");
    await detail.getByTestId("links-query").press("Enter");
    await expect(detail.getByTestId("links-none")).toHaveText("Nothing found.");
    await detail.getByTestId("links-new-contact").click();
    const newContact = detail.getByTestId("links-new-contact-form");
    await newContact.getByLabel("Last name").fill("Zákazník");
    await newContact.getByTestId("links-create").click();
    await expect(newContact.locator('[data-field="first_name"]')).toHaveText("This field is required.");
    await newContact.getByLabel("First name").fill("Lístek");
    await newContact.getByTestId("links-create").click();
    await expect(detail.getByTestId("links-said")).toHaveText("Paired with Lístek Zákazník.");
    await expect(detail.getByTestId("links-contact")).toHaveText("Lístek Zákazník");
    await expect(row.getByTestId("listing-pair")).toHaveCount(0);
    await expect(row).toContainText("Lístek Zákazník");
    await detail.getByTestId("links-merge-case").click();
    await detail.getByTestId("links-find").click();
    const firstCase = detail.getByTestId("links-result").first();
    const caseName = (await firstCase.textContent())!.trim();
    await firstCase.click();
    await expect(detail.getByTestId("links-said")).toHaveText(`Now in case ${caseName}.`);
    await expect(detail.getByTestId("links-case")).toHaveText(caseName);
    await expect(detail.getByTestId("links-account")).toHaveText("No account");
    // The case opens in the detail with its interactions the agent may see; one opens its own detail.
    await detail.getByTestId("links-open-case").click();
    await expect(detail.getByTestId("links-open-case")).toHaveAttribute("aria-expanded", "true");
    const caseView = detail.getByTestId("case-view");
    await expect(caseView.getByRole("heading", { level: 3 })).toHaveText(caseName);
    await expect(caseView.getByTestId("case-status")).not.toBeEmpty();
    const ownLink = caseView.locator(`[data-testid="case-interaction"][href="?activityDetail=chat-${id}"]`);
    await expect(ownLink).toContainText("Lístek Zákazník");
    await page.screenshot({ path: "artifacts/screenshots/listing-links-1366x768.png" });
    const contactLink = await detail.getByTestId("links-open-contact").getAttribute("href");
    expect(contactLink).toMatch(/^\/desk\/directory\?contact=\d+$/);
    const directory = await page.context().newPage();
    await directory.goto(`${server.url}${contactLink}`);
    await expect(directory.getByTestId("directory-detail")).toContainText("Zákazník");
    await directory.close();
    await detail.getByTestId("detail-close").click();
    await expect(detail).toHaveCount(0);
    await expect(row).toBeVisible();

    // Export: the file as filtered, in the user's language, the formula neutralised.
    const downloading = page.waitForEvent("download");
    await page.getByTestId("export-csv").click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^interactions-chat-\d{4}-\d\d-\d\d\.csv$/);
    const csv = readFileSync((await download.path())!, "utf8");
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.slice(1).trim().split(/\r?\n/);
    expect(lines[0]).toContain("Queue");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("Lístek Zákazník");
    expect(lines[1]).toContain("'=SUM(1+1) reklamace faktury 4711");
    await expect(page.getByTestId("export-said")).toHaveText(`Saved ${download.suggestedFilename()}.`);

    // An export that has not answered yet is cancelled: nothing saved, the buttons back.
    await page.route("**/api/interactions/export**", () => {});
    await page.getByTestId("export-xlsx").click();
    await expect(page.getByTestId("export-progress-text")).toHaveText("Preparing the file…");
    await expect(page.getByTestId("export-csv")).toBeDisabled();
    await page.getByTestId("export-cancel").click();
    await expect(page.getByTestId("export-said")).toHaveText("Export cancelled; nothing was saved.");
    await expect(page.getByTestId("export-progress")).toHaveCount(0);
    await expect(page.getByTestId("export-csv")).toBeEnabled();
    await page.unroute("**/api/interactions/export**");

    // A deep link opened signed out: sign-in, then the detail.
    const fresh = await browser.newContext();
    const linked = await fresh.newPage();
    await linked.goto(`${server.url}/desk/listings?activityDetail=chat-${id}`);
    await expect(linked).toHaveURL(/\/login\?next=/);
    await linked.getByLabel(/user name/i).fill("agent2");
    await linked.getByLabel(/password/i).fill(PASSWORD);
    await linked.getByRole("button", { name: "Sign in" }).click();
    await expect(linked).toHaveURL(new RegExp(`/desk/listings\\?activityDetail=chat-${id}$`));
    const activity = linked.getByTestId("listing-detail-panel").getByTestId("detail-activity");
    await expect(activity).toHaveCount(1);
    // In Czech the queue shows by its Czech name, as in the task list: in the detail and the filter.
    const czech: Record<string, string> = {
      "Billing and payments": "Vyúčtování a platby",
      "Technical support": "Technická podpora",
      "Orders and delivery": "Objednávky a doručení",
      "Sales and contracts": "Prodej a smlouvy",
    };
    const shown = await activity.textContent();
    const queueName = Object.keys(czech).find((name) => shown?.includes(name));
    expect(queueName, `a demo queue in "${shown}"`).toBeDefined();
    await linked.getByTestId("language").selectOption("cs");
    await expect(activity).toContainText(czech[queueName!]);
    await expect(activity).not.toContainText(queueName!);
    await expect(linked.getByTestId("listing-queues")).toContainText(czech[queueName!]);
    await linked.getByTestId("language").selectOption("en");
    // An agent reads reviews but does not write them.
    await expect(linked.getByTestId("detail-reviews")).toBeAttached();
    await expect(linked.getByTestId("review-form")).toHaveCount(0);

    // An administrator reviews the chat against a scorecard: a score above its criterion's worth is
    // refused beside it, then the review is saved and listed with its total.
    const admin = await api(server.url, "admin");
    const card = await admin.post("/api/admin/qa/scorecards", {
      data: { name: "Chat quality", criteria: [{ label: "Greeting", max_points: 10 }, { label: "Solution", max_points: 50 }] },
    });
    expect(card.status()).toBe(201);
    const reviewer = await (await browser.newContext()).newPage();
    await signInAt(reviewer, server.url, "admin");
    await reviewer.goto(`${server.url}/desk/listings?activityDetail=chat-${id}`);
    const form = reviewer.getByTestId("review-form");
    await expect(form.getByTestId("review-score")).toHaveCount(2);
    await form.getByTestId("review-score").nth(0).fill("8");
    await form.getByTestId("review-score").nth(1).fill("70");
    await form.getByTestId("review-save").click();
    await expect(form.locator('[data-field="scores.1"]')).toHaveText("At most 50.");
    await form.getByTestId("review-score").nth(1).fill("45");
    await form.locator('textarea[name="comment"]').fill("Clear and friendly.");
    // Moved to another case while the review is half written: the detail reloads, the review stays.
    const links = reviewer.getByTestId("listing-detail-panel");
    const before = (await links.getByTestId("links-case").textContent())!.trim();
    await links.getByTestId("links-merge-case").click();
    await links.getByTestId("links-find").click();
    const otherCase = links.getByTestId("links-result").filter({ hasNotText: before }).first();
    const otherName = (await otherCase.textContent())!.trim();
    await otherCase.click();
    await expect(links.getByTestId("links-case")).toHaveText(otherName);
    await expect(form.getByTestId("review-score").nth(1)).toHaveValue("45");
    await expect(form.locator('textarea[name="comment"]')).toHaveValue("Clear and friendly.");
    await form.getByTestId("review-save").click();
    await expect(reviewer.getByTestId("review-said")).toHaveText("Review saved.");
    await expect(reviewer.getByTestId("detail-review")).toHaveCount(1);
    await expect(reviewer.getByTestId("review-total")).toHaveText("53 of 60 points");

    // The administrator anonymises it: refused while the chat goes on (said beside the button), asked
    // first (Escape leaves the question, not the detail), then done: the detail says so and the row is
    // a tombstone.
    const ask = reviewer.getByTestId("anonymise-ask");
    await ask.click();
    await expect(reviewer.getByTestId("anonymise-cancel")).toBeFocused();
    await expect(reviewer.getByRole("alertdialog")).toContainText("This cannot be undone.");
    await reviewer.keyboard.press("Escape");
    await expect(ask).toBeVisible();
    await expect(reviewer.getByTestId("listing-detail-panel")).toBeVisible();
    await ask.click();
    await reviewer.getByTestId("anonymise-confirm").click();
    await expect(reviewer.getByTestId("anonymise-problem")).toHaveText("It is still going on: anonymise it once it has ended.");
    expect((await agent.post(`/api/conversations/${id}/end`)).ok()).toBe(true);
    await reviewer.getByTestId("anonymise-confirm").click();
    await expect(reviewer.getByTestId("detail-anonymised")).toHaveText("Anonymised: its personal data is gone.");
    await expect(reviewer.getByTestId("anonymise-ask")).toHaveCount(0);
    await expect(reviewer.getByTestId("links-pair")).toHaveCount(0);
    await expect(reviewer.getByTestId("links-contact")).toHaveText("Not paired");
    await expect(reviewer.getByTestId("detail-activity")).toHaveCount(1);
    await reviewer.getByTestId("detail-close").click();
    await reviewer.locator('[data-testid="listing-channel"][data-channel="chat"]').click();
    const tombstone = reviewer.locator(`[data-testid="listing-row"][data-name="chat-${id}"]`);
    await expect(tombstone.getByTestId("listing-anonymised")).toHaveText("Anonymised");
    await expect(tombstone).not.toContainText("Lístek Zákazník");
    await expect(tombstone).not.toContainText("4711");

    // Another agent, without rights to it: the link finds nothing, and neither does the list.
    const other = await (await browser.newContext()).newPage();
    await signInAt(other, server.url, "agent1");
    await other.goto(`${server.url}/desk/listings?activityDetail=chat-${id}`);
    await expect(other.getByTestId("detail-not-found")).toBeVisible();
    await other.getByTestId("detail-close").click();
    await other.locator('[data-testid="listing-channel"][data-channel="chat"]').click();
    await expect(other.getByTestId("listing")).toHaveAttribute("data-state", "ready");
    await expect(other.locator(`[data-testid="listing-row"][data-name="chat-${id}"]`)).toHaveCount(0);
  } finally {
    await server.finish(page);
  }
});

test("an administrator sets a retention rule, checked beside its field, counts it dry, runs it and sees each run", async ({ page }) => {
  const server = await OwnServer.start("retention");
  try {
    await page.setViewportSize({ width: 1366, height: 768 });
    await signInAt(page, server.url, "admin");
    await page.goto(`${server.url}/desk/listings`);
    await page.getByTestId("retention-open").click();
    await expect(page).toHaveURL(/\/desk\/listings\?retention$/);
    const panel = page.getByTestId("retention-panel");
    await expect(panel.getByText("No rules: every interaction is kept.")).toBeVisible();
    await expect(page.locator("#retention-title")).toBeFocused();

    // A rule of 0 days is refused beside its field before anything is sent.
    await panel.getByTestId("retention-add").click();
    await expect(panel.getByTestId("retention-rule")).toHaveCount(1);
    await panel.getByTestId("retention-action").selectOption("delete");
    await panel.getByTestId("retention-days").fill("0");
    await panel.getByTestId("retention-save").click();
    await expect(panel.locator('[data-field="rules.0.after_days"]')).toHaveText("At least 1.");
    // Two rules for one queue and channel: the second is named.
    await panel.getByTestId("retention-days").fill("30");
    await panel.getByTestId("retention-add").click();
    await panel.getByTestId("retention-channel").nth(1).selectOption("chat");
    await panel.getByTestId("retention-save").click();
    await expect(panel.locator('[data-field="rules.1.channel"]')).toBeVisible();
    await panel.getByTestId("retention-remove").nth(1).click();
    await panel.getByTestId("retention-save").click();
    await expect(panel.getByTestId("retention-said")).toHaveText("Rules saved.");

    // Dry, then real (asked first); both on record, newest first, with who ran them, after the
    // schedule's run when the server started.
    await panel.getByTestId("retention-dry").click();
    await expect(panel.getByTestId("retention-said")).toHaveText(/^Dry run: \d+ would be anonymised, \d+ deleted, \d+ old events removed\.$/);
    await panel.getByTestId("retention-run").click();
    await expect(panel.getByRole("alertdialog")).toContainText("cannot be restored");
    await page.keyboard.press("Escape");
    await expect(panel.getByRole("alertdialog")).toHaveCount(0);
    await expect(panel).toBeVisible();
    await panel.getByTestId("retention-run").click();
    await panel.getByTestId("retention-run-confirm").click();
    await expect(panel.getByTestId("retention-said")).toHaveText(/^Done: \d+ anonymised, \d+ deleted, \d+ old events removed\.$/);
    const runs = panel.getByTestId("retention-run-row");
    await expect(runs).toHaveCount(3);
    await expect(runs.nth(0)).toHaveAttribute("data-dry", "false");
    await expect(runs.nth(1)).toHaveAttribute("data-dry", "true");
    await expect(runs.nth(0)).toContainText("Hovor Admin");
    await expect(runs.nth(2)).toContainText("Schedule");

    // The rule stays: read again after a reload.
    await page.reload();
    await expect(page.getByTestId("retention-rule")).toHaveCount(1);
    await expect(page.getByTestId("retention-days")).toHaveValue("30");
    await expect(page.getByTestId("retention-action")).toHaveValue("delete");
    await page.getByTestId("retention-close").click();
    await expect(page).toHaveURL(/\/desk\/listings$/);

    // An agent has no Retention, and a link to it opens nothing.
    const agent = await (await page.context().browser()!.newContext()).newPage();
    await signInAt(agent, server.url, "agent1");
    await agent.goto(`${server.url}/desk/listings?retention`);
    await expect(agent.getByTestId("listing")).toBeAttached();
    await expect(agent.getByTestId("retention-open")).toHaveCount(0);
    await expect(agent.getByTestId("retention-panel")).toHaveCount(0);
  } finally {
    await server.finish(page);
  }
});

test("an administrator deactivates a user and a queue, groups queues and grants rights; the filters keep deactivated ones behind the eye; the Advanced filter narrows the list", async ({ page }) => {
  const server = await OwnServer.start("access");
  try {
    // Two chats in queue 3: Petr Svoboda takes the first, the second waits.
    const chats: number[] = [];
    for (const text of ["reklamace faktury 4711", "dotaz na cenu"]) {
      const { customer, id } = await startChat(server.url, 3, "Adam Zákazník");
      expect((await customer.post("/api/chat/messages", { data: { body: text } })).status()).toBe(201);
      chats.push(id);
    }
    const agent = await api(server.url, "agent2");
    expect((await agent.put("/api/me/status", { data: { state: "available" } })).ok()).toBe(true);
    await expect
      .poll(async () => (await (await agent.post("/api/offers/accept", { data: { conversation_ids: [chats[0]] } })).json()).accepted)
      .toEqual([chats[0]]);
    expect((await agent.put("/api/me/status", { data: { state: "idle", idle_reason: "break" } })).ok()).toBe(true);

    await page.setViewportSize({ width: 1366, height: 768 });
    await signInAt(page, server.url, "admin");
    await page.goto(`${server.url}/desk/listings`);
    await page.locator('[data-testid="listing-channel"][data-channel="chat"]').click();
    await expect(page.getByTestId("listing-found")).toHaveText(/^Found: \d+$/);

    // The Advanced filter: a condition without its value is named beside it; then they narrow the list.
    await page.getByTestId("listing-advanced").click();
    await expect(page.getByTestId("listing-advanced")).toHaveAttribute("aria-expanded", "true");
    const advanced = page.getByTestId("listing-conditions");
    await advanced.getByTestId("advanced-add").click();
    const conditions = advanced.getByTestId("advanced-condition");
    await expect(conditions.first().getByTestId("advanced-column")).toHaveValue("title");
    await page.getByTestId("listing-search").click();
    await expect(page.locator('[data-field="advanced[0].value"]')).toHaveText("This field is required.");
    await conditions.first().getByTestId("advanced-op").selectOption("is");
    await conditions.first().getByTestId("advanced-value").fill("adam zákazník");
    await page.getByTestId("listing-search").click();
    await expect(page.getByTestId("listing-found")).toHaveText("Found: 2");
    await advanced.getByTestId("advanced-add").click();
    const second = conditions.nth(1);
    await second.getByTestId("advanced-column").selectOption("text");
    await expect(second.getByTestId("advanced-op")).toHaveValue("contains");
    await second.getByTestId("advanced-value").fill("REKLAMACE");
    await page.getByTestId("listing-search").click();
    await expect(page.getByTestId("listing-found")).toHaveText("Found: 1");
    await expect(page.getByTestId("listing-row")).toContainText("Adam Zákazník");
    await expect(page.getByTestId("listing-advanced")).toHaveText("Advanced filter (2)");
    // A choice column offers its values; "status is not ended" keeps both active chats.
    await second.getByTestId("advanced-column").selectOption("status");
    await expect(second.getByTestId("advanced-op").locator("option")).toHaveCount(2);
    await second.getByTestId("advanced-op").selectOption("is_not");
    await second.getByTestId("advanced-value").selectOption("ended");
    await page.getByTestId("listing-search").click();
    await expect(page.getByTestId("listing-found")).toHaveText("Found: 2");
    await second.getByTestId("advanced-remove").click();
    await expect(page.getByTestId("listing-advanced")).toHaveText("Advanced filter (1)");
    await page.getByTestId("listing-advanced").click();
    await expect(advanced).toBeHidden();

    // Users and queues: Petr Svoboda deactivated; he can no longer sign in.
    await page.getByTestId("access-open").click();
    await expect(page).toHaveURL(/\/desk\/listings\?access$/);
    const panel = page.getByTestId("access-panel");
    await expect(page.locator("#access-title")).toBeFocused();
    const petr = panel.getByTestId("access-user").filter({ hasText: "Petr Svoboda" });
    await expect(panel.getByTestId("access-user").filter({ hasText: "(you)" }).getByTestId("access-user-toggle")).toHaveCount(0);
    await petr.getByTestId("access-user-toggle").click();
    await expect(panel.getByTestId("access-said")).toHaveText("Deactivated: Petr Svoboda.");
    await expect(petr).toHaveAttribute("data-active", "false");
    const again = await page.request.post(`${server.url}/api/session`, { data: { username: "agent2", password: PASSWORD } });
    expect(again.status()).toBe(401);
    expect((await agent.get("/api/session")).status()).toBe(401);

    // Rights of another agent: the Queues tab by the arrow key, one queue ticked and saved.
    const other = panel.getByTestId("access-user").filter({ hasNotText: "Petr Svoboda" }).filter({ hasNotText: "(you)" }).first();
    const otherName = (await other.locator("td").first().innerText()).trim();
    await other.getByTestId("access-rights").click();
    await expect(panel.getByRole("heading", { level: 3 })).toHaveText(`What ${otherName} may list`);
    await panel.getByTestId("rights-users").focus();
    await page.keyboard.press("ArrowRight");
    await expect(panel.getByTestId("rights-queues")).toBeFocused();
    await expect(panel.getByTestId("rights-queues")).toHaveAttribute("aria-selected", "true");
    await panel.getByTestId("rights-choice").first().check();
    await panel.getByTestId("rights-save").click();
    await expect(panel.getByTestId("access-said")).toHaveText("Rights saved.");
    const otherId = (await (await page.request.get(`${server.url}/api/interactions/choices`)).json()).users.find((u: any) => u.name === otherName).id;
    const granted = await (await page.request.get(`${server.url}/api/admin/users/${otherId}/listing-rights`)).json();
    expect(granted.queue_ids).toHaveLength(1);
    await panel.getByTestId("rights-back").click();

    // Queues: two grouped as Support, queue 3 deactivated.
    await panel.getByTestId("access-queues").click();
    const queueRows = panel.getByTestId("access-queue");
    await expect(queueRows.first()).toBeVisible();
    for (const n of [0, 1]) {
      await queueRows.nth(n).getByTestId("access-group").fill("Support");
      await queueRows.nth(n).getByTestId("access-group-save").click();
      await expect(panel.getByTestId("access-said")).toHaveText(/^Group saved: .+\.$/);
    }
    await queueRows.nth(0).getByTestId("access-group").fill("x".repeat(60) + "y");
    await expect(queueRows.nth(0).getByTestId("access-group")).toHaveValue("x".repeat(60));
    const choices = await (await page.request.get(`${server.url}/api/interactions/choices`)).json();
    const third = choices.queues.find((q: any) => q.id === 3).name;
    const thirdRow = queueRows.filter({ hasText: third });
    await thirdRow.getByTestId("access-queue-toggle").click();
    await expect(thirdRow).toHaveAttribute("data-active", "false");
    // The rows were drawn again from the choices read after the toggle: the unsaved name is kept.
    await expect(queueRows.nth(0).getByTestId("access-group")).toHaveValue("x".repeat(60));
    expect((await fetch(`${server.url}/api/chat/queues/3`)).status).toBe(404);
    await page.keyboard.press("Escape");
    await expect(page).toHaveURL(/\/desk\/listings$/);

    // The filters: deactivated ones only behind the crossed-out eye, marked; the group chooses its queues.
    const users = page.getByTestId("listing-users");
    const queues = page.getByTestId("listing-queues");
    await users.locator("summary").click();
    await expect(users.getByText("Petr Svoboda")).toHaveCount(0);
    await users.locator("summary").click();
    await queues.locator("summary").click();
    await expect(queues.getByText(third)).toHaveCount(0);
    await queues.locator("summary").click();
    const eye = page.getByTestId("listing-show-inactive");
    await eye.click();
    await expect(eye).toHaveAttribute("aria-pressed", "true");
    await users.locator("summary").click();
    await expect(users.getByText("Petr Svoboda")).toBeVisible();
    await expect(users.getByText("· deactivated")).toHaveCount(1);
    await users.getByLabel(/Petr Svoboda/).check();
    await users.locator("summary").click();
    await queues.locator("summary").click();
    await expect(queues.getByTestId("listing-group")).toHaveText("Support");
    await queues.getByTestId("listing-group").getByRole("checkbox").check();
    await expect(queues.locator("summary")).toHaveText("Queues: 2 chosen");
    await queues.getByTestId("listing-group").getByRole("checkbox").uncheck();
    await queues.getByLabel(new RegExp(third)).check();
    await queues.locator("summary").click();
    await page.getByTestId("listing-search").click();
    // His chat in that queue stays listed, though he and the queue are deactivated.
    await expect(page.getByTestId("listing-found")).toHaveText("Found: 1");
    await expect(page.getByTestId("listing-row")).toContainText("reklamace faktury");
  } finally {
    await server.finish(page);
  }
});
