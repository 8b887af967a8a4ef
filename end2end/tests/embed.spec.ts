import { createServer, Server } from "node:http";
import { Browser, Page } from "@playwright/test";
import { expect, PASSWORD, startChat, test } from "./fixtures";
import { chromiumWithoutThirdPartyCookies, OwnServer } from "./own-server";

/**
 * Hovor inside a CRM page: the CRM on one loopback origin (`http://localhost:<port>`), Hovor on
 * another (`http://127.0.0.1:<port>`), so the frame is a third party; Chromium blocks third-party
 * cookies, as browsers do.
 */
class Crm {
  private constructor(private readonly server: Server, readonly origin: string) {}
  frameSrc = "";

  static async start(): Promise<Crm> {
    let crm: Crm | undefined;
    const server = createServer((_, response) => {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(`<!doctype html><html><head><title>CRM</title></head><body><h1>Contacts</h1>
        <iframe id="hovor" title="Hovor" src="${crm!.frameSrc}" style="width:420px;height:700px" allow="microphone"></iframe>
        </body></html>`);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    crm = new Crm(server, `http://localhost:${(server.address() as { port: number }).port}`);
    return crm;
  }

  close() {
    this.server.close();
  }
}

let hovor: OwnServer;
let crm: Crm;
let stranger: Crm;
let browser: Browser;

test.beforeAll(async () => {
  crm = await Crm.start();
  stranger = await Crm.start();
  hovor = await OwnServer.start("embed", { HOVOR_EMBED_HOST_ORIGINS: crm.origin });
  browser = await chromiumWithoutThirdPartyCookies();
});

test.afterAll(async () => {
  await browser?.close();
  await hovor?.down();
  crm?.close();
  stranger?.close();
});

const embedPath = (host: string) => `/embed?host=${encodeURIComponent(host)}`;

/**
 * What the CRM's frame holds once it has loaded: whether it is the desk's page (its `hovor-embed`
 * block) or a form, and its URL (a frame the browser refused is its error page).
 */
async function framed(page: Page): Promise<{ embed: boolean; form: boolean; url: string }> {
  await expect.poll(() => page.frames().length, { message: "the frame is there" }).toBe(2);
  const child = page.frames()[1];
  await child.waitForLoadState("load");
  const look = () => child.evaluate(() => ({ embed: document.getElementById("hovor-embed") !== null, form: document.querySelector("form") !== null }));
  const seen = await look().catch(() => ({ embed: false, form: false }));
  return { ...seen, url: child.url() };
}

async function crmPage(site: Crm, src: string): Promise<Page> {
  site.frameSrc = src;
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await page.goto(site.origin);
  return page;
}

test("a listed CRM frames the desk; another host is told why; no other page can be framed", async () => {
  // The listed CRM: the desk's page loads in its frame, and knows its host.
  const page = await crmPage(crm, `${hovor.url}${embedPath(crm.origin)}`);
  const frame = page.frameLocator("#hovor");
  await expect(frame.locator("#hovor-embed")).toHaveCount(1);
  expect(await frame.locator("#hovor-embed").textContent()).toBe(JSON.stringify({ host: crm.origin, autoDial: false }));

  // A CRM that is not listed, asking as itself: a refusal it can show, in the browser's language.
  const refused = await crmPage(stranger, `${hovor.url}${embedPath(stranger.origin)}`);
  await expect(refused.frameLocator("#hovor").getByTestId("embed-refused")).toContainText(stranger.origin);
  await refused.screenshot({ path: "artifacts/screenshots/embed-refused.png" });

  // Seen the same way, the listed CRM's frame holds the desk's page.
  expect(await framed(page)).toMatchObject({ embed: true });

  // A host that claims to be the listed CRM: the browser refuses the frame (frame-ancestors names
  // the listed CRM alone), so nothing of the desk loads in it.
  const claims = await crmPage(stranger, `${hovor.url}${embedPath(crm.origin)}`);
  const claimed = await framed(claims);
  expect(claimed.embed).toBe(false);
  expect(claimed.url).toMatch(/^chrome-error:/);

  // The desk's own pages, framed even by the listed CRM: refused by the browser.
  const desk = await crmPage(crm, `${hovor.url}/login`);
  const login = await framed(desk);
  expect(login.form).toBe(false);
  expect(login.url).toMatch(/^chrome-error:/);
  for (const p of [page, refused, claims, desk]) await p.context().close();
});

test("inside the frame, with third-party cookies blocked, the sign-in popup hands the frame a code that only its verifier turns into a bearer token", async () => {
  const page = await crmPage(crm, `${hovor.url}${embedPath(crm.origin)}`);
  await expect.poll(() => page.frames().some((f) => f.url().startsWith(hovor.url))).toBe(true);
  const inFrame = page.frames().find((f) => f.url().startsWith(hovor.url))!;

  // The frame makes its verifier and challenge, opens the popup and waits for its code from a window
  // on Hovor's own origin that is that popup.
  const [popup] = await Promise.all([
    page.waitForEvent("popup"),
    inFrame.evaluate(async () => {
      const bytes = crypto.getRandomValues(new Uint8Array(32));
      const b64 = (data: Uint8Array) => btoa(String.fromCharCode(...data)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
      const verifier = b64(bytes);
      const challenge = b64(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
      const state = b64(crypto.getRandomValues(new Uint8Array(16)));
      const popup = window.open(`/embed/signin?challenge=${challenge}&state=${state}`, "hovor-signin", "width=480,height=640")!;
      const w = window as unknown as Record<string, unknown>;
      w.__signedIn = new Promise((resolve) => {
        window.addEventListener("message", async (event) => {
          if (event.origin !== location.origin || event.source !== popup || event.data?.state !== state) return;
          const exchange = async (v: string) =>
            fetch("/api/embed/token", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code: event.data.code, verifier: v }) });
          const token = await (await exchange(verifier)).json();
          const me = await fetch("/api/session", { headers: { authorization: `Bearer ${token.token}` } });
          const withCookieOnly = await fetch("/api/session");
          resolve({ me: await me.json(), cookieOnly: withCookieOnly.status, again: (await exchange(verifier)).status });
        });
      });
    }),
  ]);

  // The popup is Hovor's own page in its own window: the agent signs in there.
  await expect(popup.getByRole("heading", { name: "Sign in to Hovor" })).toBeVisible();
  await popup.getByLabel("Password").fill(PASSWORD);
  await popup.getByRole("button", { name: "Sign in" }).click();
  await expect(popup.getByText("Fill this in.")).toBeVisible();
  await popup.getByLabel("User name").fill("agent1");
  await popup.getByLabel("Password").fill("wrong");
  await popup.getByRole("button", { name: "Sign in" }).click();
  await expect(popup.getByText("Unknown user name or wrong password.")).toBeVisible();
  await popup.screenshot({ path: "artifacts/screenshots/embed-signin-popup.png" });
  await popup.getByLabel("Password").fill(PASSWORD);
  await Promise.all([popup.waitForEvent("close"), popup.getByRole("button", { name: "Sign in" }).click()]);

  const result = (await inFrame.evaluate(() => (window as unknown as Record<string, unknown>).__signedIn)) as {
    me: { username: string };
    cookieOnly: number;
    again: number;
  };
  expect(result.me.username).toBe("agent1");
  expect(result.cookieOnly, "the frame has no cookie session: third-party cookies are blocked").toBe(401);
  expect(result.again, "a code is exchanged once").toBe(401);
  await page.context().close();
});

test("the desk works in a 420 px CRM panel: signed in through the popup, its events arrive with a ticket, and an offered chat is accepted and answered", async () => {
  const page = await crmPage(crm, `${hovor.url}${embedPath(crm.origin)}`);
  const frame = page.frameLocator("#hovor");

  // The frame has no session: it offers the popup sign-in, which the agent completes.
  await expect(frame.getByTestId("embed-sign-in")).toBeVisible();
  await page.screenshot({ path: "artifacts/screenshots/embed-sign-in-420.png" });
  const [popup] = await Promise.all([page.waitForEvent("popup"), frame.getByTestId("embed-sign-in").click()]);
  await popup.getByLabel("User name").fill("agent2");
  await popup.getByLabel("Password").fill(PASSWORD);
  await Promise.all([popup.waitForEvent("close"), popup.getByRole("button", { name: "Sign in" }).click()]);

  // The desk, live: its event stream opened with a ticket, since the frame holds no cookie.
  await expect(frame.getByTestId("agent-status")).toBeVisible();
  await expect(frame.getByTestId("connection")).toHaveAttribute("data-state", "live");
  await page.screenshot({ path: "artifacts/screenshots/embed-desk-420.png" });
  await frame.getByTestId("agent-status").selectOption("available");
  await expect(frame.getByTestId("agent-status")).toHaveValue("available");

  // A customer's chat is offered in the panel and accepted there; the reply reaches the customer.
  const chat = await startChat(hovor.url, 3, "Eva Embedded");
  const offer = frame.getByTestId("offer");
  await expect(offer).toContainText("Eva Embedded");
  await offer.getByTestId("accept").click();
  await expect(frame.getByTestId("composer")).toBeVisible();
  await page.screenshot({ path: "artifacts/screenshots/embed-conversation-420.png" });
  await frame.getByTestId("composer").fill("Dobrý den, jak vám mohu pomoci?");
  await frame.getByTestId("composer").press("Enter");
  await expect.poll(async () => {
    const view = await (await chat.customer.get("/api/chat/conversation")).json();
    return JSON.stringify(view);
  }).toContain("jak vám mohu pomoci");
  await page.context().close();
});
