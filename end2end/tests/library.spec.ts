import { test, expect, signInAt, api } from "./fixtures";
import { OwnServer } from "./own-server";

// The response library's administration page, on a server of its own: categories and responses are
// created, moved, edited and deleted in the browser; the API's field errors land beside their fields;
// a save over someone else's newer one is compared and re-applied; every change is on the trail.

test("an administrator builds the library: tree, field errors, unsaved guard, conflict compare and audit trail", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const server = await OwnServer.start("library-admin");
  try {
    // An agent has no Library link, the page refuses them, and so does the API behind it.
    const agentPage = await (await browser.newContext()).newPage();
    const agentErrors: string[] = [];
    agentPage.on("pageerror", (e) => agentErrors.push(e.message));
    await signInAt(agentPage, server.url, "agent1");
    await expect(agentPage.getByTestId("nav-invitations")).toBeVisible();
    await expect(agentPage.getByTestId("nav-library")).toHaveCount(0);
    await agentPage.goto(`${server.url}/desk/library`);
    await expect(agentPage.getByTestId("library-forbidden")).toBeVisible();
    const agent = await api(server.url, "agent1");
    expect((await agent.get("/api/admin/responses?category_id=1")).status()).toBe(403);
    expect((await agent.post("/api/admin/response-categories", { data: { name: "Zz" } })).status()).toBe(403);
    expect(agentErrors).toEqual([]);
    await agentPage.context().close();

    // The administrator, on a tablet.
    await page.setViewportSize({ width: 1024, height: 768 });
    await signInAt(page, server.url, "admin");
    // A landscape tablet keeps the task list and its sections on screen: no drawer to open.
    await expect(page.locator('button[aria-controls="task-list"]')).toBeHidden();
    await page.getByTestId("nav-library").click();
    await expect(page).toHaveURL(/\/desk\/library$/);
    const tree = page.getByTestId("library-tree");
    await expect(tree.getByTestId("library-category").first()).toHaveAttribute("aria-current", "true");

    // A category: a blank name is refused beside the field; then created and chosen.
    await page.getByTestId("library-new-category").click();
    const categoryForm = page.getByTestId("category-form");
    await categoryForm.getByTestId("category-save").click();
    await expect(categoryForm.locator('[data-field="name"]')).toHaveText("This field is required.");
    await categoryForm.locator('[name="name"]').fill("Zz Returns");
    await categoryForm.getByTestId("category-save").click();
    await expect(categoryForm).toHaveCount(0);
    const returns = tree.getByTestId("library-category").filter({ hasText: "Zz Returns" });
    await expect(returns).toHaveAttribute("aria-current", "true");
    await expect(page.getByTestId("library-empty")).toBeVisible();

    // A subcategory under it, one level deeper.
    await page.getByTestId("library-add-subcategory").click();
    await expect(categoryForm.locator('[name="parent_id"]').locator("option:checked")).toHaveText("Zz Returns");
    await categoryForm.locator('[name="name"]').fill("Zz Damaged");
    await categoryForm.getByTestId("category-save").click();
    const damaged = tree.getByTestId("library-category").filter({ hasText: "Zz Damaged" });
    await expect(damaged).toHaveAttribute("data-depth", "1");
    await expect(damaged).toHaveAttribute("aria-current", "true");

    // Moving Zz Returns: its own subcategory is not offered as a place.
    await returns.click();
    await page.getByTestId("library-edit-category").click();
    const places = await categoryForm.locator('[name="parent_id"]').locator("option").allTextContents();
    expect(places.some((p) => p.includes("Zz Returns") || p.includes("Zz Damaged"))).toBe(false);
    expect(places.length).toBeGreaterThan(1);
    await categoryForm.getByRole("button", { name: "Cancel" }).click();

    // A response in Zz Damaged: an unknown placeholder is named beside the text, which stays.
    await damaged.click();
    await page.getByTestId("library-new-response").click();
    const form = page.getByTestId("response-form");
    await expect(form.locator('[name="category_id"] option:checked')).toHaveText(/^\s*Zz Damaged$/);
    await form.locator('[name="language"]').selectOption("cs");
    await form.locator('[name="title"]').fill("Zz Vrácení poškozeného zboží");
    await form.locator('[name="shortcut"]').fill("#ZzVraceni");
    const body = "Dobrý den {{contact.frist_name}}, poškozené zboží vrátíme. {{agent.name}}";
    await form.locator('[name="body"]').fill(body);
    await form.getByTestId("response-save").click();
    await expect(form.locator('[data-field="body"]')).toHaveText("{{contact.frist_name}} is not a placeholder Hovor can fill.");
    await expect(form.locator('[name="body"]')).toHaveValue(body);
    await form.locator('[name="body"]').fill(body.replace("frist", "first"));
    // How customers ask for it: a phrasing over 200 characters is named beside its field.
    const phrases = form.locator('[name="phrases"]');
    await phrases.fill("rozbité ".repeat(30));
    await form.getByTestId("response-save").click();
    await expect(form.locator('[data-field="phrases"]')).toContainText("200");
    await phrases.fill(" přišlo to rozbité, chci to vrátit \n\nrozbité zboží zpátky");
    await form.getByTestId("response-save").click();
    await expect(page.getByTestId("library-status")).toHaveText("Saved.");
    await expect(form).toHaveAttribute("data-version", "1");
    await expect(form.locator('[name="shortcut"]')).toHaveValue("zzvraceni");
    await expect(phrases).toHaveValue("přišlo to rozbité, chci to vrátit\nrozbité zboží zpátky");
    const rows = page.getByTestId("library-response");
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText("#zzvraceni");
    await expect(rows.first().getByRole("button")).toHaveAttribute("aria-current", "true");

    // What only the server knows: the shortcut is taken in Czech. The error is beside the field,
    // and nothing typed is lost.
    await page.getByTestId("library-new-response").click();
    await form.locator('[name="language"]').selectOption("cs");
    await form.locator('[name="title"]').fill("Zz Druhá odpověď");
    await form.locator('[name="shortcut"]').fill("zzvraceni");
    await form.locator('[name="body"]').fill("Druhý text.");
    await form.getByTestId("response-save").click();
    // In the administrator's language, from the rule the server names.
    await expect(form.locator('[data-field="shortcut"]')).toHaveText("This is already used; choose another.");
    await expect(form.locator('[name="title"]')).toHaveValue("Zz Druhá odpověď");
    await form.locator('[name="shortcut"]').fill("zzdruha");
    await form.getByTestId("response-save").click();
    await expect(form).toHaveAttribute("data-version", "1");
    await expect(rows).toHaveCount(2);

    // Unsaved edits are not dropped by a stray tap on another response.
    const first = rows.filter({ hasText: "Zz Vrácení" });
    await first.getByRole("button").click();
    await expect(form.locator('[name="title"]')).toHaveValue("Zz Vrácení poškozeného zboží");
    await form.locator('[name="title"]').fill("Zz Vrácení zboží");
    await rows.filter({ hasText: "Zz Druhá" }).getByRole("button").click();
    await expect(page.getByTestId("library-unsaved")).toBeVisible();
    await page.getByTestId("library-keep-editing").click();
    await expect(form.locator('[name="title"]')).toHaveValue("Zz Vrácení zboží");

    // A reload of the page finds the edit again, on the version it was made on.
    await page.reload();
    await expect(form.locator('[name="title"]')).toHaveValue("Zz Vrácení zboží");
    await expect(form).toHaveAttribute("data-version", "1");
    await expect(damaged).toHaveAttribute("aria-current", "true");
    await expect(rows.filter({ hasText: "Zz Vrácení" }).getByRole("button")).toHaveAttribute("aria-current", "true");

    // Meanwhile someone else saves a new text. Saving the title is refused with both side by side;
    // Re-apply mine keeps their text and this title.
    const admin = await api(server.url, "admin");
    const listed = await (await admin.get(`/api/admin/responses?category_id=${await categoryId(page, "Zz Damaged")}`)).json();
    const stored = listed.find((r: { title: string }) => r.title.startsWith("Zz Vrácení"));
    const theirs = "Dobrý den {{contact.first_name}}, zboží vyzvedne kurýr. {{agent.name}}";
    const other = await admin.put(`/api/admin/responses/${stored.id}`, { data: { ...stored, body: theirs } });
    expect(other.status()).toBe(200);
    await form.getByTestId("response-save").click();
    const conflict = page.getByTestId("conflict");
    await expect(conflict).toContainText("Hovor Admin");
    await expect(conflict.locator('tr[data-differs="true"]')).toHaveCount(2);
    await expect(conflict.getByTestId("conflict-theirs")).toContainText([theirs]);
    await conflict.getByTestId("conflict-reapply").click();
    await expect(conflict).toHaveCount(0);
    await expect(form).toHaveAttribute("data-version", "3");
    await expect(form.locator('[name="body"]')).toHaveValue(theirs);
    const saved = await (await admin.get(`/api/admin/responses?category_id=${stored.category_id}`)).json();
    const now = saved.find((r: { id: number }) => r.id === stored.id);
    expect([now.title, now.body, now.version]).toEqual(["Zz Vrácení zboží", theirs, 3]);

    // Moved to Zz Returns: the list follows it, and the trail names the categories.
    await form.locator('[name="category_id"]').selectOption({ label: "Zz Returns" });
    await form.getByTestId("response-save").click();
    await expect(form).toHaveAttribute("data-version", "4");
    await expect(returns).toHaveAttribute("aria-current", "true");
    await expect(rows).toHaveCount(1);
    const trail = page.getByTestId("response-audit");
    await trail.getByTestId("audit-toggle").click();
    await expect(trail.getByTestId("audit")).toContainText("category: Zz Returns › Zz Damaged → Zz Returns");
    await expect(trail.getByTestId("audit")).toContainText("title: Zz Vrácení poškozeného zboží → Zz Vrácení zboží");
    await expect(trail.getByTestId("audit")).toContainText("created");
    await expect(trail.getByTestId("audit")).toContainText("Hovor Admin");

    // A category that holds something cannot be deleted; an empty one can.
    await page.getByTestId("library-delete-category").click();
    await page.getByTestId("library-delete-category-confirm").click();
    await expect(page.getByTestId("library-category-detail")).toContainText("Only an empty category can be deleted");
    await form.getByTestId("response-delete").click();
    await form.getByTestId("response-delete-confirm").click();
    await expect(page.getByTestId("library-status")).toHaveText("Deleted.");
    await expect(form).toHaveCount(0);
    await expect(page.getByTestId("library-empty")).toBeVisible();
    // Discard: an edit dropped on purpose opens what was asked for.
    await damaged.click();
    await page.getByTestId("library-new-response").click();
    await form.locator('[name="title"]').fill("Zz Nikdy neuloženo");
    await rows.first().getByRole("button").click();
    await page.getByTestId("library-discard").click();
    await expect(form.locator('[name="title"]')).toHaveValue("Zz Druhá odpověď");
    await form.getByTestId("response-delete").click();
    await form.getByTestId("response-delete-confirm").click();
    await expect(page.getByTestId("library-empty")).toBeVisible();
    await page.getByTestId("library-delete-category").click();
    await page.getByTestId("library-delete-category-confirm").click();
    await expect(damaged).toHaveCount(0);
    await expect(returns).toHaveAttribute("aria-current", "true");
    const categoryTrail = page.getByTestId("library-category-detail");
    await categoryTrail.getByTestId("audit-toggle").click();
    await expect(categoryTrail.getByTestId("audit")).toContainText("created");
  } finally {
    await server.finish(page);
  }
});

/** The id of a category as the tree lists it (through the API the page uses). */
async function categoryId(page: import("@playwright/test").Page, name: string): Promise<number> {
  const categories = await page.evaluate(async () => (await fetch("/api/response-categories")).json());
  return categories.find((c: { name: string }) => c.name === name).id;
}
