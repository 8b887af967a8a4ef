import { spawn, ChildProcess } from "node:child_process";
import { test, expect, signInAt } from "./fixtures";
import { freePort } from "./own-server";
import { hears, hearsHoldMusic, Parties } from "./audio";

/**
 * Hovor at scale, as `scripts/at-scale.sh` runs it: PostgreSQL, two Hovor servers and nginx in front.
 * Every request of the desk and of the customer's page goes through the balancer, which spreads them
 * over both servers: the chat works end to end however its requests and streams are split.
 */
class Cluster {
  private constructor(private readonly script: ChildProcess, readonly url: string) {}

  static async start(): Promise<Cluster> {
    const port = await freePort();
    const script = spawn("../scripts/at-scale.sh", [], {
      env: { ...process.env, HOVOR_AT_SCALE_PORT: String(port), HOVOR_AT_SCALE_NAME: "e2e", HOVOR_AT_SCALE_FRESH: "1" },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const cluster = new Cluster(script, `http://127.0.0.1:${port}`);
    const deadline = Date.now() + 170_000;
    while (Date.now() < deadline) {
      if (script.exitCode !== null) throw new Error(`at-scale.sh ended with ${script.exitCode}`);
      try {
        if ((await fetch(`${cluster.url}/api/health`)).ok) return cluster;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error("the cluster did not start");
  }

  async stop() {
    if (this.script.exitCode !== null) return;
    const exited = new Promise((r) => this.script.once("exit", r));
    this.script.kill("SIGTERM");
    await exited;
  }
}

let cluster: Cluster;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  cluster = await Cluster.start();
});

test.afterAll(async () => {
  await cluster?.stop();
});

test("through the balancer, a customer's chat reaches the agent and both see each other live", async ({ browser, page }) => {
  test.setTimeout(120_000);
  const customer = await browser.newContext({ locale: "en-GB" });
  const chat = await customer.newPage();
  try {
    await signInAt(page, cluster.url, "agent3");
    await page.getByTestId("agent-status").selectOption("available");
    await expect(page.getByTestId("agent-status")).toHaveValue("available");

    await chat.goto(`${cluster.url}/chat/3?lang=en`);
    await chat.getByLabel("Your name").fill("Jana Nováková");
    await chat.getByLabel(/What can we help you with/).fill("Order 4711 has not arrived");
    await chat.getByLabel(/Preferred language/).selectOption("English");
    await chat.getByRole("button", { name: "Start chat" }).click();
    await expect(chat.getByTestId("chat-status")).toContainText("Waiting for an agent");
    await chat.getByLabel("Your message").fill("Hello, where is my order 4711?");
    await chat.getByLabel("Your message").press("Enter");

    const offer = page.getByTestId("offer");
    await expect(offer).toContainText("Order 4711 has not arrived");
    await offer.getByTestId("accept").click();
    await expect(page).toHaveURL(/\/desk\/\d+$/);
    await expect(chat.getByTestId("chat-status")).toContainText("You are chatting with");
    await expect(page.getByTestId("timeline-message").filter({ hasText: "where is my order 4711" })).toBeVisible();

    await page.getByTestId("composer").fill("It left our warehouse this morning.");
    await page.getByTestId("composer").press("Enter");
    await expect(chat.getByText("It left our warehouse this morning.")).toBeVisible();
    for (const n of [1, 2, 3]) {
      await chat.getByLabel("Your message").fill(`Thank you (${n})`);
      await chat.getByLabel("Your message").press("Enter");
      await expect(page.getByTestId("timeline-message").filter({ hasText: `Thank you (${n})` })).toBeVisible();
    }
  } finally {
    await customer.close();
    await page.close();
  }
});

// A call through the balancer: each request of the phone page and of the desk reaches either server,
// and whichever holds the call answers those about it (forwarded by the other), while each browser's
// audio goes to that server's media switch. Tones as in calls.spec.ts: customer 660 Hz, agent 440 Hz.
test("through the balancer, a call is answered, both sides hear each other, and hold plays music to the customer", async () => {
  test.setTimeout(120_000);
  const parties = new Parties();
  try {
    const phone = await parties.open(660);
    const desk = await parties.open(440);
    await signInAt(desk, cluster.url, "agent1");
    await desk.getByTestId("agent-status").selectOption("available");
    await expect(desk.getByTestId("agent-status")).toHaveValue("available");

    await phone.goto(`${cluster.url}/phone?from=%2B420777123999&to=${encodeURIComponent("+420 800 100 102")}&lang=en`);
    await phone.getByRole("button", { name: "Call" }).click();
    const phoneState = phone.locator("#state");
    await expect(phoneState).toHaveAttribute("data-state", "waiting");

    await expect(desk.getByTestId("accept")).toHaveAttribute("data-headset", "connected", { timeout: 15_000 });
    await desk.getByTestId("accept").click();
    await expect(desk.getByTestId("call-audio")).toHaveAttribute("data-audio", "connected", { timeout: 15_000 });
    await expect(phoneState).toHaveAttribute("data-state", "connected");
    await expect.poll(() => hears(desk, 660, 440), { message: "the agent hears the customer", timeout: 15_000 }).toBe(true);
    await expect.poll(() => hears(phone, 440, 660), { message: "the customer hears the agent", timeout: 15_000 }).toBe(true);

    await desk.getByTestId("call-hold").click();
    await expect(desk.getByTestId("call-state")).toHaveAttribute("data-state", "on_hold");
    await expect(phoneState).toHaveAttribute("data-state", "on_hold");
    await expect.poll(() => hearsHoldMusic(phone, 440), { message: "the held customer hears music", timeout: 15_000 }).toBe(true);
    await desk.getByTestId("call-hold").click();
    await expect(phoneState).toHaveAttribute("data-state", "connected");
    await expect.poll(() => hears(phone, 440, 660), { message: "the customer hears the agent again", timeout: 15_000 }).toBe(true);

    await phone.getByRole("button", { name: "Hang up" }).click();
    await expect(desk.getByTestId("conversation-ended")).toBeVisible({ timeout: 15_000 });
    for (const [page, errors] of parties.errors) expect(errors, page.url()).toEqual([]);
  } finally {
    await parties.close();
  }
});
