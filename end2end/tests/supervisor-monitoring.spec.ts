import { Page } from "@playwright/test";
import { test, expect, signInAt, waitInChatPage, api } from "./fixtures";
import { hears, Parties, silentAt } from "./audio";
import { OwnServer } from "./own-server";

// A supervisor on a tablet monitors an agent's work, by touch: reads a chat live and whispers to the
// agent (whose desk shows it, and the customer's page never does), then barges in; listens to a call
// (hearing both sides, heard by neither), coaches the agent (heard by the agent only) and barges in
// (heard by the customer too). Each party's microphone is a tone of its own.

const TABLET = { width: 1024, height: 768 };

async function openBoard(board: Page, url: string): Promise<void> {
  await signInAt(board, url, "supervisor");
  await board.getByTestId("nav-supervisor").tap();
  await expect(board.getByTestId("supervisor")).toHaveAttribute("data-state", "ready");
}

test("a supervisor reads a chat live, whispers to its agent only, and barges in", async ({ page, browser }) => {
  test.setTimeout(90_000);
  const server = await OwnServer.start("supervisor-chat");
  const tablet = await browser.newContext({ viewport: TABLET, hasTouch: true, isMobile: true });
  const board = await tablet.newPage();
  const customer = await (await browser.newContext()).newPage();
  try {
    await page.setViewportSize({ width: 1366, height: 768 });
    await signInAt(page, server.url, "agent1");
    await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
    await page.getByTestId("agent-status").selectOption("available");
    await waitInChatPage(customer, server.url, 1);
    await page.getByTestId("accept").click();
    await expect(page.getByTestId("composer")).toBeVisible();
    await customer.getByLabel("Your message").fill("It restarts every ten minutes.");
    await customer.getByLabel("Your message").press("Enter");

    // The agent's row lists the chat; Monitor opens it with its messages.
    await openBoard(board, server.url);
    const id = page.url().match(/\/desk\/(\d+)/)![1];
    await board.locator(`[data-testid="monitor-conversation"][data-conversation="${id}"]`).tap();
    const panel = board.getByTestId("monitor");
    await expect(panel).toHaveAttribute("data-mode", "read");
    await expect(panel.getByTestId("monitor-transcript")).toContainText("It restarts every ten minutes.");
    // The queue tells its agents: the desk says who reads along.
    await expect(page.getByTestId("monitored")).toHaveText("Martina Králová is reading this conversation.");

    // New messages reach the supervisor live.
    await customer.getByLabel("Your message").fill("Now the light is red.");
    await customer.getByLabel("Your message").press("Enter");
    await expect(panel.getByTestId("monitor-transcript")).toContainText("Now the light is red.");

    // A reassign target chosen stays chosen while the list is drawn again: Emily Carter (agent5, of
    // the same queue) becoming Available adds her to it.
    const target = panel.getByTestId("reassign-target");
    await target.selectOption({ index: 1 });
    const chosenQueue = await target.inputValue();
    expect(chosenQueue).toMatch(/^q:\d+$/);
    const emily = await api(server.url, "agent5");
    expect((await emily.put("/api/me/status", { data: { state: "available" } })).ok()).toBe(true);
    await expect(target.locator('option[value^="a:"]')).toHaveText(["Emily Carter"]);
    await expect(target).toHaveValue(chosenQueue);
    await expect(panel.getByTestId("reassign")).toBeEnabled();

    // A whisper: the agent's desk shows it, the customer's page never does.
    await panel.getByTestId("whisper-input").fill("Offer a replacement router");
    await panel.getByTestId("whisper-send").tap();
    await expect(panel.getByTestId("monitor-said")).toHaveText("Whispered: only the agent sees it.");
    await expect(page.getByTestId("whisper")).toContainText("Offer a replacement router");
    await expect(page.getByTestId("whisper")).toContainText("Martina Králová to you only");
    await board.screenshot({ path: "artifacts/screenshots/supervisor-monitor-chat.png" });
    await page.screenshot({ path: "artifacts/screenshots/desk-whisper.png" });

    // A reload (or another language) opens the monitored conversation again.
    await board.reload();
    await expect(panel).toHaveAttribute("data-mode", "read");
    await expect(panel.getByTestId("monitor-transcript")).toContainText("Now the light is red.");

    // Stopped: the desk no longer says so. An administrator's queue stops telling its agents; the next
    // monitoring leaves the desk quiet (a whisper after it shows the desk has caught up).
    await panel.getByTestId("monitor-stop").tap();
    await expect(page.getByTestId("monitored")).toHaveCount(0);
    const admin = await (await browser.newContext()).newPage();
    await signInAt(admin, server.url, "admin");
    await admin.goto(`${server.url}/desk/calls`);
    await admin.getByTestId("call-settings-queue").selectOption("1");
    const settings = admin.getByTestId("monitoring-settings");
    await expect(settings.getByTestId("announce-monitoring")).toBeChecked();
    await settings.getByTestId("announce-monitoring").uncheck();
    await settings.getByTestId("monitoring-save").click();
    await expect(settings.getByTestId("monitoring-status")).toHaveText("Saved.");
    await admin.context().close();
    await board.locator(`[data-testid="monitor-conversation"][data-conversation="${id}"]`).tap();
    await panel.getByTestId("whisper-input").fill("Check the serial number");
    await panel.getByTestId("whisper-send").tap();
    await expect(page.getByTestId("whisper").last()).toContainText("Check the serial number");
    await expect(page.getByTestId("monitored")).toHaveCount(0);

    // Barge-in: the supervisor becomes a collaborator of the chat.
    await panel.getByTestId("monitor-barge").tap();
    await expect(panel.getByTestId("monitor-said")).toHaveText("You joined the conversation: it is in your task list.");
    const drawer = board.locator("button[aria-controls=task-list]");
    if (await drawer.isVisible()) await drawer.tap();
    await expect(board.getByTestId("task-list").getByText("Jana Nováková")).toBeVisible();
    await expect(customer.locator("body")).not.toContainText("Offer a replacement router");

    // Touch targets in the panel.
    await expect(panel).toBeVisible();
    for (const target of await panel.locator("button, select, input").all()) {
      const box = await target.boundingBox();
      if (box) expect(box.height, (await target.getAttribute("data-testid")) ?? "a target").toBeGreaterThanOrEqual(44);
    }

    // The agent ends the chat and wraps it up: the panel closes and says why.
    const agentApi = page.request;
    expect((await agentApi.post(`${server.url}/api/conversations/${id}/end`)).status()).toBe(204);
    const reasons = await (await agentApi.get(`${server.url}/api/conversations/${id}/wrap-up-reasons`)).json();
    const wrapped = await agentApi.post(`${server.url}/api/conversations/${id}/wrap-up`, { data: { reason_id: reasons[0].id } });
    expect(wrapped.ok()).toBe(true);
    await expect(panel).toHaveCount(0);
    await expect(board.getByTestId("supervisor-said")).toHaveText("Monitoring ended: the conversation was wrapped up or left its agent.");
  } finally {
    await tablet.close();
    await customer.context().close();
    await server.finish(page);
  }
});

const CUSTOMER_HZ = 660;
const AGENT_HZ = 440;
const SUPERVISOR_HZ = 880;
const TECHNICAL_SUPPORT = "+420 800 100 102";

test("a supervisor listens to a call unheard, coaches the agent, and barges in", async () => {
  test.setTimeout(150_000);
  const server = await OwnServer.start("supervisor-call");
  const parties = new Parties();
  try {
    const phone = await parties.open(CUSTOMER_HZ);
    const agent = await parties.open(AGENT_HZ);
    const supervisor = await parties.open(SUPERVISOR_HZ);
    await supervisor.setViewportSize(TABLET);
    const heard = (page: Page, hz: number, other: number, message: string) =>
      expect.poll(() => hears(page, hz, other), { message, timeout: 15_000 }).toBe(true);
    const notHeard = (page: Page, hz: number, message: string) =>
      expect.poll(() => silentAt(page, hz), { message, timeout: 15_000 }).toBe(true);

    // agent2 works Technical support, the queue the entry point rings.
    await signInAt(agent, server.url, "agent2");
    await expect(agent.getByTestId("connection")).toHaveAttribute("data-state", "live");
    await agent.getByTestId("agent-status").selectOption("available");
    await phone.goto(`${server.url}/phone?from=%2B420777123888&to=${encodeURIComponent(TECHNICAL_SUPPORT)}&lang=en`);
    await phone.getByRole("button", { name: "Call" }).click();
    await expect(agent.getByTestId("accept")).toBeVisible({ timeout: 15_000 });
    await agent.getByTestId("accept").click();
    await expect(agent.getByTestId("call-audio")).toHaveAttribute("data-audio", "connected", { timeout: 15_000 });
    await heard(phone, AGENT_HZ, CUSTOMER_HZ, "the customer hears the agent");

    // Listen: the supervisor's headset joins; they hear both sides, neither hears them.
    await signInAt(supervisor, server.url, "supervisor");
    await supervisor.getByTestId("nav-supervisor").click();
    const id = agent.url().match(/\/desk\/(\d+)/)![1];
    await supervisor.locator(`[data-testid="monitor-conversation"][data-conversation="${id}"]`).click();
    const panel = supervisor.getByTestId("monitor");
    await expect(panel).toHaveAttribute("data-mode", "listen");
    await expect(panel.getByTestId("call-audio")).toHaveAttribute("data-audio", "connected", { timeout: 15_000 });
    await heard(supervisor, CUSTOMER_HZ, SUPERVISOR_HZ, "the supervisor hears the customer");
    await heard(supervisor, AGENT_HZ, SUPERVISOR_HZ, "and the agent");
    await notHeard(phone, SUPERVISOR_HZ, "the customer never hears a listener");
    await notHeard(agent, SUPERVISOR_HZ, "nor does the agent");
    await expect(agent.getByTestId("monitored")).toHaveText("Martina Králová is listening to this call.");
    await supervisor.screenshot({ path: "artifacts/screenshots/supervisor-monitor-call.png" });

    // Coach: the agent hears the supervisor; the customer still does not.
    await panel.getByTestId("monitor-coach").click();
    await expect(panel).toHaveAttribute("data-mode", "coach");
    await heard(agent, SUPERVISOR_HZ, CUSTOMER_HZ + 1000, "the agent hears the coach");
    await expect(agent.getByTestId("monitored")).toHaveText("Martina Králová is coaching you on this call.");
    await notHeard(phone, SUPERVISOR_HZ, "the customer never hears the coach");

    // Barge-in: a conference; the customer hears the supervisor too.
    await panel.getByTestId("monitor-barge").click();
    await heard(phone, SUPERVISOR_HZ, CUSTOMER_HZ + 1000, "the customer hears the supervisor who barged in");
    for (const [page, errors] of parties.errors) expect(errors, page.url()).toEqual([]);
  } finally {
    await parties.close();
    await server.down();
  }
});
