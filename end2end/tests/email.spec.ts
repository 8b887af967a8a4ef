import { request as playwrightRequest } from "@playwright/test";
import { ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { test, expect, signInAt, api } from "./fixtures";
import { OwnServer, freePort } from "./own-server";

// The email channel in the browser: an email posted by the mail gateway is routed to the agent, its
// hostile HTML stays inert, Reply all fills the fields, a bad CC is refused next to the field with the
// text kept, and the reply reaches a real local SMTP sink with the right headers.

const TOKEN = "e2e-email-gateway";

const HOSTILE = [
  "From: Jana Dvorakova <jana.dvorakova@example.cz>",
  "To: Billing <billing@hovor.example>",
  "Cc: eva@example.cz",
  "Subject: Invoice 2026-11",
  "Message-ID: <m1@example.cz>",
  "MIME-Version: 1.0",
  'Content-Type: multipart/mixed; boundary="b"',
  "",
  "--b",
  "Content-Type: text/html; charset=utf-8",
  "",
  '<p onclick="window.top.pwned=1">Please pay <b>now</b></p><script>window.top.pwned=2; alert(1)</script>' +
    '<img src="https://evil.example/t.gif" onerror="window.top.pwned=3"><a href="javascript:window.top.pwned=4">open</a>' +
    '<form action="https://evil.example"><input name="card"></form>',
  "--b",
  'Content-Type: application/pdf; name="invoice.pdf"',
  "Content-Disposition: attachment; filename=\"invoice.pdf\"",
  "",
  "%PDF-1.4",
  "--b--",
  "",
].join("\r\n");

test("an email arrives, its HTML stays inert, Reply all fills the fields and the SMTP sink receives the reply", async ({ page }) => {
  const smtpPort = await freePort();
  const mailDir = `artifacts/email-journey-mail`;
  rmSync(mailDir, { recursive: true, force: true });
  const sink: ChildProcess = spawn("../target/release/hovor-mail-sink", ["--listen", `127.0.0.1:${smtpPort}`, "--dir", mailDir], { stdio: "ignore" });
  const server = await OwnServer.start("email-desk", {
    HOVOR_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    HOVOR_INBOUND_EMAIL_TOKEN: TOKEN,
  });
  try {
    const agent = await api(server.url, "agent1");
    expect((await agent.put("/api/me/status", { data: { state: "available" } })).ok()).toBe(true);
    const gateway = await playwrightRequest.newContext({ baseURL: server.url });
    const posted = await gateway.post("/api/email/inbound", {
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "message/rfc822" },
      data: Buffer.from(HOSTILE),
    });
    expect(posted.status()).toBe(201);
    const { conversation_id: id } = await posted.json();
    const accepted = await agent.post("/api/offers/accept", { data: { conversation_ids: [id] } });
    expect((await accepted.json()).accepted).toEqual([id]);

    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.setViewportSize({ width: 1366, height: 900 });
    await signInAt(page, server.url, "agent1");
    await page.goto(`${server.url}/desk/${id}`);
    const email = page.getByTestId("email").first();
    await expect(email.getByTestId("thread-subject")).toHaveText("Invoice 2026-11");
    await expect(email.getByTestId("email-copies")).toHaveText("eva@example.cz");
    await expect(email.getByTestId("email-attachments")).toContainText("invoice.pdf");
    // Counted in the language's plural form: one attachment, not "1 attachments".
    await expect(email.getByTestId("email-attachments").locator("p")).toHaveText("1 attachment");

    // The HTML is shown in a frame that can run nothing, and holds nothing that could run.
    const frame = email.getByTestId("email-html");
    await expect(frame).toHaveAttribute("sandbox", "allow-popups allow-popups-to-escape-sandbox");
    const srcdoc = (await frame.getAttribute("srcdoc")) ?? "";
    for (const gone of ["<script", "onclick", "onerror", "javascript:", "<form", "evil.example/t.gif"]) {
      expect(srcdoc).not.toContain(gone);
    }
    const inside = page.frameLocator('[data-testid="email-html"]');
    await expect(inside.locator("b")).toHaveText("now");
    await inside.getByText("Please pay").click();
    await inside.getByText("open").click();
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);

    // Reply all: the sender and the others; a broken CC is refused beside its field, the text kept.
    await email.getByTestId("email-reply-all").click();
    await expect(page.getByTestId("email-kind")).toHaveText("Reply all");
    await expect(page.getByTestId("email-to")).toHaveValue("jana.dvorakova@example.cz");
    await expect(page.getByTestId("email-cc")).toHaveValue("eva@example.cz");
    await expect(page.getByTestId("email-subject")).toHaveValue("Re: Invoice 2026-11");
    await page.getByTestId("email-cc").fill("eva@");
    const composer = page.getByTestId("composer");
    await composer.fill("Dear Jana, the invoice is paid.");
    await page.getByTestId("send").click();
    await expect(page.locator('[data-testid="email-fields"] [data-field="cc"]')).toBeVisible();
    await expect(page.getByTestId("email-cc")).toHaveAttribute("aria-invalid", "true");
    await expect(composer).toHaveValue("Dear Jana, the invoice is paid.");

    await page.getByTestId("email-cc").fill("eva@example.cz, petr@example.cz");
    // In an email Enter is a new line; Ctrl+Enter sends.
    await expect(page.getByTestId("email-send-hint")).toContainText("Ctrl+Enter");
    await composer.press("End");
    await composer.press("Enter");
    await composer.pressSequentially("Kind regards");
    await expect(composer).toHaveValue("Dear Jana, the invoice is paid.\nKind regards");
    await expect(page.getByTestId("email")).toHaveCount(1);
    await composer.press("Control+Enter");
    const sent = page.getByTestId("email").nth(1);
    await expect(sent.getByTestId("email-status")).toHaveAttribute("data-status", "sent", { timeout: 15_000 });
    await expect(composer).toHaveValue("");
    await expect(sent.getByTestId("email-text")).toContainText("> Please pay now");

    const files = readdirSync(mailDir).filter((f) => f.endsWith(".eml"));
    expect(files).toHaveLength(1);
    const raw = readFileSync(`${mailDir}/${files[0]}`, "utf8");
    expect(raw).toMatch(/^From: .*<billing@hovor\.example>\r?$/m);
    expect(raw).toMatch(/^To: jana\.dvorakova@example\.cz\r?$/m);
    expect(raw).toMatch(/^Cc: eva@example\.cz, petr@example\.cz\r?$/m);
    expect(raw).toMatch(/^Subject: Re: Invoice 2026-11\r?$/m);
    expect(raw).toMatch(/^In-Reply-To: <m1@example\.cz>\r?$/m);
    expect(raw).toMatch(/^References: <m1@example\.cz>\r?$/m);

    // A reload finds the thread as it was; the timeline tab shows the same emails as rows.
    await page.reload();
    await expect(page.getByTestId("email")).toHaveCount(2);
    await page.getByTestId("tab-timeline").click();
    await expect(page.getByTestId("timeline-message")).toHaveCount(2);
  } finally {
    await server.finish(page);
    sink.kill("SIGTERM");
  }
});
