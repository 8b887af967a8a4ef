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

/** A caller on the phone page whose call `username` (signed in, Available, with the headset's tone
 * `agentHz`) accepted; both hear each other. */
async function answeredCall(username: string, agentHz: number, from: string): Promise<{ phone: Page; agent: Page }> {
  const phone = await parties.open(CUSTOMER_HZ);
  const agent = await parties.open(agentHz);
  await signIn(agent, username);
  expect((await agent.request.put(`${server.url}/api/me/status`, { data: { state: "available" } })).ok()).toBe(true);
  await phone.goto(`${server.url}/phone?from=${encodeURIComponent(from)}&to=${encodeURIComponent(TECHNICAL_SUPPORT)}&lang=en`);
  await phone.getByRole("button", { name: "Call" }).click();
  await expect(agent.getByTestId("accept")).toBeVisible({ timeout: 15_000 });
  await agent.getByTestId("accept").click();
  await expect(agent.getByTestId("call-audio")).toHaveAttribute("data-audio", "connected", { timeout: 15_000 });
  await heard(phone, agentHz, CUSTOMER_HZ, "the customer hears the agent");
  return { phone, agent };
}

test("an agent consults a colleague apart from the held customer, brings everyone into a conference, and leaves it to the colleague", async () => {
  test.setTimeout(150_000);
  const second = await parties.open(SECOND_HZ);
  // The colleague is signed in but takes no calls of their own: only a consult reaches them.
  await signIn(second, "agent2");
  const { phone, agent: first } = await answeredCall("agent1", FIRST_HZ, "+420777123999");
  const phoneState = phone.locator("#state");

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
  await expect(first.getByTestId("consult-agents").getByRole("option")).toHaveText(["Petr Svoboda"]);
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
  // Who asks, first among the values: her own number and her team.
  await expect(request.getByTestId("asker-number")).toHaveText("+420 800 100 201");
  await expect(request.getByTestId("asker-team")).toHaveText("Vltava");
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

test("an agent consults a phone number apart from the held customer, then transfers the call to it and wraps up", async () => {
  test.setTimeout(150_000);
  // A phone outside Hovor: its page owns the number and rings when an agent calls it.
  const outside = await parties.open(SECOND_HZ);
  await outside.goto(`${server.url}/phone?from=%2B420600555000&lang=en`);
  const outsideState = outside.locator("#state");
  await expect(outsideState).toHaveAttribute("data-state", "idle");
  // agent1 of the journey above still owes that call's wrap-up; Emily Carter works the same queue.
  const { phone, agent: first } = await answeredCall("agent5", FIRST_HZ, "+420777123998");
  const phoneState = phone.locator("#state");

  // A number is checked beside its field by the server's rule before anything is called.
  await first.getByTestId("call-consult").click();
  await first.getByTestId("consult-target").selectOption("number");
  const number = first.getByTestId("consult-number");
  await number.fill("call me");
  await number.press("Enter");
  await expect(first.getByTestId("consult-number-error")).toHaveText(
    "Enter a phone number: 6 to 15 digits, with spaces or dashes and an optional leading +.",
  );
  await expect(number).toHaveAttribute("aria-invalid", "true");
  await expect(number).toBeFocused();
  await expect(phoneState).toHaveAttribute("data-state", "connected");
  await number.fill("+420 600 555 000");
  await first.getByTestId("consult-call").click();

  // Declined: the agent is told, and is back with the held customer.
  const line = first.getByTestId("consult-line");
  await expect(outsideState).toHaveAttribute("data-state", "ringing");
  await outside.getByRole("button", { name: "Decline" }).click();
  await expect(first.getByTestId("consult-unanswered")).toHaveText("+420 600 555 000 did not take the consult.");
  await expect(line).toHaveCount(0);
  await first.getByTestId("call-hold").click();
  await expect(phoneState).toHaveAttribute("data-state", "connected");
  await first.getByTestId("call-consult").click();
  await first.getByTestId("consult-target").selectOption("number");
  await number.fill("+420 600 555 000");
  await first.getByTestId("consult-call").click();
  await expect(first.getByTestId("consult-unanswered")).toHaveCount(0);

  // The number rings; it answers and talks with the agent while the customer hears music.
  await expect(line.getByTestId("consult-state")).toHaveText("Consult requested: +420 600 555 000");
  await expect(outsideState).toHaveAttribute("data-state", "ringing");
  await expect(phoneState).toHaveAttribute("data-state", "on_hold");
  await outside.getByRole("button", { name: "Answer" }).click();
  await expect(outsideState).toHaveAttribute("data-state", "connected");
  await expect(line.getByTestId("consult-state")).toHaveText("In consult with +420 600 555 000");
  await heard(first, SECOND_HZ, CUSTOMER_HZ, "the agent hears the number");
  await heard(outside, FIRST_HZ, CUSTOMER_HZ, "the number hears the agent");
  await notHeard(phone, SECOND_HZ, "the held customer does not hear the number");
  await first.screenshot({ path: "artifacts/screenshots/consult-number-1366x768.png" });

  // Back to the customer: the number's phone says it is on hold.
  await first.getByTestId("call-hold").click();
  await expect(outsideState).toHaveAttribute("data-state", "on_hold");
  await expect(phoneState).toHaveAttribute("data-state", "connected");
  await first.getByTestId("consult-hold").click();
  await expect(outsideState).toHaveAttribute("data-state", "connected");

  // Transfer: the customer and the number talk on; the agent's part ends with the wrap-up.
  await first.getByTestId("call-transfer").click();
  await expect(first.getByTestId("wrap-up")).toBeVisible();
  await expect(phoneState).toHaveAttribute("data-state", "connected");
  await heard(phone, SECOND_HZ, CUSTOMER_HZ, "the customer hears the number");
  await heard(outside, CUSTOMER_HZ, SECOND_HZ, "the number hears the customer");
  await notHeard(phone, FIRST_HZ, "the customer no longer hears the agent");
  await expect(first.getByTestId("sign-out")).toBeEnabled();

  // The number hangs up: the call is over on both phones.
  await outside.getByRole("button", { name: "Hang up" }).click();
  await expect(outsideState).toHaveAttribute("data-state", "ended");
  await expect(phoneState).toHaveAttribute("data-state", "ended");
  for (const page of [phone, first, outside]) expect(parties.errors.get(page), "uncaught errors in the page").toEqual([]);
});
