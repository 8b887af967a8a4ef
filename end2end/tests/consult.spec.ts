import { Page } from "@playwright/test";
import { expect, PASSWORD, test } from "./fixtures";
import { hears, hearsHoldMusic, Parties, silentAt } from "./audio";
import { OwnServer } from "./own-server";

// A consult and a conference of three through the server's media switch, each party in a Chromium of
// its own whose microphone plays its own tone: the customer 660 Hz, agent1 (Tereza Malá) 440 Hz,
// agent2 (Petr Svoboda, the same queue) 880 Hz. A consult's two agents talk apart from the held
// customer; in the conference everyone hears the other two, mixed by the server.
const CUSTOMER_HZ = 660;
const FIRST_HZ = 440;
const SECOND_HZ = 880;
const TECHNICAL_SUPPORT = "+420 800 100 102";

let server: OwnServer;
const parties = new Parties();

test.beforeAll(async () => {
  server = await OwnServer.start("consult");
});

test.afterAll(async () => {
  await parties.close();
  await server.down();
});

async function signIn(page: Page, username: string): Promise<void> {
  await page.goto(`${server.url}/login`);
  await page.getByLabel(/user name/i).fill(username);
  await page.getByLabel(/password/i).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/desk$/);
}

const heard = (page: Page, hz: number, other: number, message: string) =>
  expect.poll(() => hears(page, hz, other), { message, timeout: 15_000 }).toBe(true);
const notHeard = (page: Page, hz: number, message: string) =>
  expect.poll(() => silentAt(page, hz), { message, timeout: 15_000 }).toBe(true);

test("an agent consults a colleague apart from the held customer, brings everyone into a conference, and leaves it to the colleague", async () => {
  test.setTimeout(150_000);
  const phone = await parties.open(CUSTOMER_HZ);
  const first = await parties.open(FIRST_HZ);
  const second = await parties.open(SECOND_HZ);
  await signIn(first, "agent1");
  expect((await first.request.put(`${server.url}/api/me/status`, { data: { state: "available" } })).ok()).toBe(true);
  // The colleague is signed in but takes no calls of their own: only a consult reaches them.
  await signIn(second, "agent2");

  await phone.goto(`${server.url}/phone?from=%2B420777123999&to=${encodeURIComponent(TECHNICAL_SUPPORT)}&lang=en`);
  await phone.getByRole("button", { name: "Call" }).click();
  const phoneState = phone.locator("#state");
  await expect(first.getByTestId("accept")).toBeVisible({ timeout: 15_000 });
  await first.getByTestId("accept").click();
  await expect(first.getByTestId("call-audio")).toHaveAttribute("data-audio", "connected", { timeout: 15_000 });
  await heard(phone, FIRST_HZ, CUSTOMER_HZ, "the customer hears the agent");

  // The call's data the agent saved travels with the consult request (secure values never do).
  const data = first.getByTestId("call-data");
  await data.locator('[data-testid="call-datum"][data-name="case_number"]').getByRole("textbox").fill("CAS-31415");
  await data.locator('[data-testid="call-datum"][data-name="card_last_digits"]').getByRole("textbox").fill("4242");
  await data.getByTestId("call-data-save").click();
  const id = first.url().match(/\/desk\/(\d+)/)![1];
  const saved = async () => {
    const values = await (await first.request.get(`${server.url}/api/conversations/${id}/call-data`)).json();
    return values.find((v: { variable: { name: string } }) => v.variable.name === "case_number")?.value;
  };
  await expect.poll(saved, { message: "the case number is saved" }).toBe("CAS-31415");

  // Consult: whom to call is the queue's signed-in colleague; the customer is held on music.
  const state = first.getByTestId("call-state");
  await first.getByTestId("call-consult").click();
  await expect(first.getByTestId("consult-target")).toBeFocused();
  await expect(first.getByTestId("consult-target").getByRole("option")).toHaveText(["Petr Svoboda"]);
  await first.getByTestId("consult-call").click();
  // Two lines: the held customer's, and the consult's with its own controls.
  const line = first.getByTestId("consult-line");
  await expect(state).toHaveAttribute("data-state", "on_hold");
  await expect(line.getByTestId("consult-state")).toHaveText("Consult requested: Petr Svoboda");
  await expect(line).toHaveAttribute("data-state", "ringing");
  await expect(phoneState).toHaveAttribute("data-state", "on_hold");
  await expect(first.getByTestId("call-transfer")).toBeDisabled();
  await expect(first.getByTestId("call-conference")).toBeDisabled();
  await expect.poll(() => hearsHoldMusic(phone, FIRST_HZ), { message: "the held customer hears music", timeout: 15_000 }).toBe(true);

  // The colleague's desk rings with who asks; Accept opens the call with its own control pane.
  const request = second.getByTestId("consult-request");
  await expect(request).toContainText("Tereza Malá asks you to join a call");
  await expect(request.getByTestId("consult-values")).toContainText("CAS-31415");
  await expect(request.getByTestId("consult-values")).not.toContainText("4242");
  await second.screenshot({ path: "artifacts/screenshots/consult-request-1366x768.png" });
  await request.getByTestId("consult-accept").click();
  await expect(request).toHaveCount(0);
  await expect(second.getByTestId("call-state")).toHaveText("In consult with Tereza Malá");
  await expect(second.getByTestId("call-audio")).toHaveAttribute("data-audio", "connected", { timeout: 15_000 });
  await expect(second.getByTestId("call-exit")).toHaveText("Exit consult");
  await expect(second.getByTestId("call-hold")).toBeDisabled();
  await expect(line.getByTestId("consult-state")).toHaveText("In consult with Petr Svoboda");
  await expect(first.getByTestId("call-transfer")).toBeEnabled();
  await heard(first, SECOND_HZ, CUSTOMER_HZ, "the agent hears the colleague");
  await heard(second, FIRST_HZ, CUSTOMER_HZ, "the colleague hears the agent");
  await notHeard(phone, SECOND_HZ, "the held customer does not hear the consult");
  await notHeard(phone, FIRST_HZ, "nor the agent");
  await first.screenshot({ path: "artifacts/screenshots/consult-1366x768.png" });

  // Back to the customer: the colleague waits on hold; and back to the colleague again.
  await first.getByTestId("call-hold").click();
  await expect(phoneState).toHaveAttribute("data-state", "connected");
  await expect(line).toHaveAttribute("data-state", "held");
  await heard(phone, FIRST_HZ, CUSTOMER_HZ, "the customer hears the agent again");
  await notHeard(second, FIRST_HZ, "the held colleague no longer hears the agent");
  await first.getByTestId("consult-hold").click();
  await expect(line).toHaveAttribute("data-state", "active");
  await expect(phoneState).toHaveAttribute("data-state", "on_hold");
  await heard(second, FIRST_HZ, CUSTOMER_HZ, "the colleague hears the agent again");

  // Conference: everyone hears the other two.
  await first.getByTestId("call-conference").click();
  await expect(state).toHaveAttribute("data-state", "conference");
  await expect(state).toHaveText("Conference with Petr Svoboda, the customer");
  await expect(second.getByTestId("call-state")).toHaveText("Conference with Tereza Malá, the customer");
  await expect(phoneState).toHaveAttribute("data-state", "connected");
  await heard(phone, FIRST_HZ, CUSTOMER_HZ, "the customer hears the agent in the conference");
  await heard(phone, SECOND_HZ, CUSTOMER_HZ, "and the colleague");
  await heard(second, CUSTOMER_HZ, SECOND_HZ, "the colleague hears the customer");
  await heard(second, FIRST_HZ, SECOND_HZ, "and the agent");
  await heard(first, CUSTOMER_HZ, FIRST_HZ, "the agent hears the customer");
  await heard(first, SECOND_HZ, FIRST_HZ, "and the colleague");
  await first.screenshot({ path: "artifacts/screenshots/conference-1366x768.png" });

  // The first agent exits: the colleague takes the call, the first moves on to the wrap-up.
  await first.getByTestId("call-exit").click();
  await expect(first.getByTestId("wrap-up")).toBeVisible();
  await expect(second.getByTestId("call-state")).toHaveAttribute("data-state", "connected");
  await expect(second.getByTestId("end-conversation")).toBeEnabled();
  await notHeard(phone, FIRST_HZ, "the customer no longer hears the agent who left");
  await heard(phone, SECOND_HZ, CUSTOMER_HZ, "the customer hears the colleague");
  await expect(first.getByTestId("sign-out")).toBeEnabled();

  await second.getByTestId("end-conversation").click();
  await second.getByTestId("end-confirm").click();
  await expect(phoneState).toHaveAttribute("data-state", "ended");
  for (const page of [phone, first, second]) expect(parties.errors.get(page), "uncaught errors in the page").toEqual([]);
});
