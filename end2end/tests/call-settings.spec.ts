import { test, expect, signInAt, api } from "./fixtures";
import { OwnServer } from "./own-server";

// The call settings page, on a server of its own: an administrator on a tablet turns a queue's
// recording off and sets its pause, and edits its call data; each field's error shows beside it by
// the rule the server applies, and what is saved is what the API then answers.

test("an administrator sets a queue's recording and call data, with errors beside their fields", async ({ page, browser }) => {
  test.setTimeout(90_000);
  const server = await OwnServer.start("call-settings");
  try {
    // An agent has no link, the page refuses them, and so does the API behind it.
    const agentPage = await (await browser.newContext()).newPage();
    await signInAt(agentPage, server.url, "agent1");
    await expect(agentPage.getByTestId("nav-invitations")).toBeVisible();
    await expect(agentPage.getByTestId("nav-call-settings")).toHaveCount(0);
    await agentPage.goto(`${server.url}/desk/calls`);
    await expect(agentPage.getByTestId("call-settings-forbidden")).toBeVisible();
    expect((await (await api(server.url, "agent1")).get("/api/admin/queues")).status()).toBe(403);
    await agentPage.context().close();

    await page.setViewportSize({ width: 1024, height: 768 });
    await signInAt(page, server.url, "admin");
    await page.getByTestId("nav-call-settings").click();
    await expect(page).toHaveURL(/\/desk\/calls$/);
    const admin = await api(server.url, "admin");
    const queues = await (await admin.get("/api/admin/queues")).json();
    const support = queues.find((q: { name: string }) => q.name === "Technical support");
    await page.getByTestId("call-settings-queue").selectOption(String(support.id));

    // Recording: off, and a pause out of range is refused beside its field.
    const recording = page.getByTestId("recording-settings");
    await expect(recording.getByTestId("record-calls")).toBeChecked();
    await expect(recording.getByTestId("pause-seconds")).toHaveValue("30");
    await recording.getByTestId("record-calls").uncheck();
    await recording.getByTestId("pause-seconds").fill("2");
    await recording.getByTestId("recording-save").click();
    await expect(recording.getByTestId("pause-seconds-error")).toHaveText("Enter a whole number of seconds from 5 to 600.");
    await expect(recording.getByTestId("pause-seconds")).toHaveAttribute("aria-invalid", "true");
    await recording.getByTestId("pause-seconds").fill("45");
    await recording.getByTestId("recording-save").click();
    await expect(recording.getByTestId("recording-status")).toHaveText("Saved.");
    const path = `/api/admin/queues/${support.id}`;
    expect(await (await admin.get(`${path}/recording`)).json()).toEqual({ record_calls: false, pause_seconds: 45 });

    // Call data: a new value with a malformed name is refused beside the name; fixed, moved first, saved.
    const variables = page.getByTestId("variable-settings");
    const rows = variables.getByTestId("variable-row");
    const before = await rows.count();
    expect(before).toBeGreaterThan(0);
    await variables.getByTestId("variable-add").click();
    await expect(rows).toHaveCount(before + 1);
    const added = rows.last();
    await added.getByTestId("variable-name").fill("Order No");
    await added.getByTestId("variable-label").fill("Order number");
    await added.getByTestId("variable-secure").check();
    await variables.getByTestId("variables-save").click();
    await expect(added.getByTestId("variable-name-error")).toHaveText("Use lowercase letters, digits and _ only.");
    await expect(added.getByTestId("variable-name")).toHaveAttribute("aria-invalid", "true");
    await added.getByTestId("variable-name").fill("order_no");
    await expect(added.getByTestId("variable-name-error")).toBeEmpty();
    for (let at = before; at > 0; at--) await rows.nth(at).getByTestId("variable-up").click();
    await expect(rows.first().getByTestId("variable-name")).toHaveValue("order_no");
    await expect(rows.first().getByTestId("variable-up")).toBeDisabled();
    await variables.getByTestId("variables-save").click();
    await expect(variables.getByTestId("variables-status")).toHaveText("Saved.");
    await page.screenshot({ path: "artifacts/screenshots/call-settings-1024x768.png" });
    const saved = (await (await admin.get(`${path}/call-variables`)).json()).variables;
    expect(saved[0]).toMatchObject({ name: "order_no", label: "Order number", secure: true, editable: true, kind: "text" });
    expect(saved).toHaveLength(before + 1);

    // Read again after a reload: what the page shows is what was stored.
    await page.reload();
    await page.getByTestId("call-settings-queue").selectOption(String(support.id));
    await expect(page.getByTestId("record-calls")).not.toBeChecked();
    await expect(page.getByTestId("pause-seconds")).toHaveValue("45");
    await expect(rows.first().getByTestId("variable-name")).toHaveValue("order_no");
  } finally {
    await server.down();
  }
});
