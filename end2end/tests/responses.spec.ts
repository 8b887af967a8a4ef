import { test, expect, signInAt, api } from "./fixtures";
import { OwnServer } from "./own-server";

// Standard responses at the desk, on a server of their own (the journey adds responses and favourites).

test("# lists favourites first, fills placeholders and asks for a fill-in field; the Resources pane finds, favours and inserts at the cursor", async ({ page }) => {
  const server = await OwnServer.start("responses-desk");
  try {
    const agent = await api(server.url, "agent1");
    const admin = await api(server.url, "admin");
    const [task] = await (await agent.get("/api/tasks")).json();
    const values = await (await agent.get(`/api/conversations/${task.id}/placeholders`)).json();
    const categories = await (await admin.get("/api/response-categories")).json();
    const category = categories[0].id;
    // In every language, so the conversation's language has them whichever it is.
    const add = async (title: string, body: string, shortcut: string) => {
      for (const language of ["en", "cs", "bg", "uk"]) {
        const created = await admin.post("/api/admin/responses", { data: { category_id: category, language, title, body, shortcut } });
        expect(created.status()).toBe(201);
      }
    };
    await add("Parcel zz status", "Dear {{contact.name}}, parcel {{ask:Parcel number}} is on its way. {{agent.name}}", "zzparcel");
    await add("Refund zz", "Your refund zz is on its way.", "zzrefund");

    await page.setViewportSize({ width: 1366, height: 900 });
    await signInAt(page, server.url, "agent1");
    await page.goto(`${server.url}/desk/${task.id}`);
    const composer = page.getByTestId("composer");
    await expect(page.getByTestId("suggestions")).toHaveAttribute("data-state", "ready");

    // Resources sub-pane: Find without diacritics; Remove is enabled only for a selected favourite.
    await page.getByTestId("side-resources").click();
    const resources = page.getByTestId("resources");
    await expect(resources).toBeVisible();
    await resources.getByTestId("resources-find").fill("refund zz");
    const found = resources.getByTestId("resource").filter({ hasText: "Refund zz" });
    await expect(found).toHaveCount(1);
    await expect(resources.getByTestId("remove-favourite")).toBeDisabled();
    await found.click();
    await expect(resources.getByTestId("remove-favourite")).toBeDisabled();
    await resources.getByTestId("add-favourite").click();
    await expect(resources.getByTestId("remove-favourite")).toBeEnabled();
    await expect(resources.getByTestId("add-favourite")).toBeDisabled();
    await resources.getByTestId("favourites-tab").click();
    await expect(resources.getByTestId("resource").filter({ hasText: "Refund zz" })).toHaveCount(1);

    // # with words: the favourite comes first, then the rest; keyboard only.
    await composer.click();
    await composer.pressSequentially("Hi. #zz");
    const options = page.getByTestId("hash-option");
    await expect(options.first()).toContainText("Refund zz");
    await expect(options.first()).toHaveAttribute("data-favourite", "true");
    await expect(options.filter({ hasText: "Parcel zz status" })).toHaveCount(1);
    await page.keyboard.press("ArrowDown");
    await expect(options.nth(1)).toHaveAttribute("aria-selected", "true");
    await page.keyboard.press("Escape");
    await expect(page.getByTestId("hash-list")).toHaveCount(0);
    await expect(composer).toHaveValue("Hi. #zz");
    // Closed with Escape, that # stays closed while the agent types on; a new # opens the list again.
    await composer.pressSequentially("p");
    await page.waitForTimeout(300);
    await expect(page.getByTestId("hash-list")).toHaveCount(0);
    for (let i = 0; i < 4; i++) await page.keyboard.press("Backspace");
    await expect(composer).toHaveValue("Hi. ");

    // A # query that matches nothing is never sent: Enter waits, the text stays.
    await composer.pressSequentially("#qqxxnothing");
    await expect(page.getByTestId("hash-empty")).toBeVisible();
    await page.keyboard.press("Enter");
    await expect(composer).toHaveValue("Hi. #qqxxnothing");
    await expect(page.getByTestId("pending-message")).toHaveCount(0);
    for (let i = 0; i < 12; i++) await page.keyboard.press("Backspace");
    await expect(composer).toHaveValue("Hi. ");

    // The shortcut, Enter: the fill-in field is asked for, values are filled, the query is replaced.
    await composer.pressSequentially("#zzparcel");
    await expect(options.first()).toContainText("Parcel zz status");
    await page.keyboard.press("Enter");
    const dialog = page.getByTestId("fill-dialog");
    await expect(dialog).toBeVisible();
    await expect(dialog.locator('input[data-field="Parcel number"]')).toBeFocused();
    await page.keyboard.type("PX-7781");
    await page.keyboard.press("Enter");
    const filled = `Hi. Dear ${values["contact.name"]}, parcel PX-7781 is on its way. ${values["agent.name"]}`;
    await expect(composer).toHaveValue(filled);
    await expect(composer).toBeFocused();

    // Insert from the pane goes in at the cursor, and the text stays editable.
    await composer.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(3, 3));
    await resources.getByTestId("resource").filter({ hasText: "Refund zz" }).click();
    await resources.getByTestId("resources-insert").click();
    await expect(composer).toHaveValue(`Hi.Your refund zz is on its way.${filled.slice(3)}`);

    // A fill-in field left empty stays visible and the reply is not sent. Enter straight after the
    // query, before its matches are here, chooses the first of them once they arrive.
    await composer.fill("");
    await composer.pressSequentially("#zzparcel");
    await page.keyboard.press("Enter");
    await dialog.getByTestId("fill-insert").click();
    await expect(composer).toHaveValue(/parcel \{\{ask:Parcel number\}\} is on its way/);
    await page.getByTestId("send").click();
    await expect(page.locator("#composer-error")).toContainText("{{ask:Parcel number}}");
    await expect(composer).toHaveValue(/\{\{ask:Parcel number\}\}/);

    // Touch: a tap on an option inserts it.
    await composer.fill("");
    await composer.pressSequentially("#zzrefund");
    await expect(options.first()).toContainText("Refund zz");
    await options.first().click();
    await expect(composer).toHaveValue("Your refund zz is on its way.");
  } finally {
    await server.finish(page);
  }
});
