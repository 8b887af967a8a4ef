// Screenshots of the desk's and the chat page's refusals for review, in Czech, Bulgarian and
// Ukrainian, at 1366×768 (a laptop) and 768×1024 (a tablet): the sign-in wait after wrong passwords,
// a message refused because the conversation is not the agent's, and the chat page's full queue.
// Starts its own release server; writes PNGs to end2end/artifacts/screens/.
//   node tools/screenshots.mjs
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { launchChromium, root, startServer } from "../bench/harness.mjs";

const out = join(root, "end2end/artifacts/screens");
const languages = [["cs", "cs-CZ"], ["bg", "bg-BG"], ["uk", "uk-UA"]];
const viewports = [["laptop", { width: 1366, height: 768 }], ["tablet", { width: 768, height: 1024 }]];

mkdirSync(out, { recursive: true });
// Each browser context signs in from an address of its own (the proxy header the server trusts here),
// so one language's wrong passwords do not hold back the next.
const { base, stop } = await startServer(["--trust-forwarded-for"]);
const browser = await launchChromium();
try {
  let agent = 1;
  for (const [lang, locale] of languages) {
    for (const [device, viewport] of viewports) {
      const context = await browser.newContext({
        viewport, locale, hasTouch: device === "tablet", extraHTTPHeaders: { "X-Forwarded-For": `192.0.2.${agent}` },
      });
      const page = await context.newPage();
      const username = `agent${agent++}`;

      await page.goto(`${base}/login`);
      await page.locator("input[autocomplete=username]").fill(username);
      for (let attempt = 1; attempt <= 4; attempt++) {
        await page.locator("input[type=password]").fill(`wrong-${attempt}`);
        await page.locator("input[type=password]").press("Enter");
        await page.locator("button[type=submit]:not([disabled])").waitFor();
      }
      await page.screenshot({ path: join(out, `sign-in-wait-${lang}-${device}.png`) });

      // The agent signs in (the wait passes) and writes into a conversation the server refuses.
      await page.waitForTimeout(2_500); // the fourth wrong password's wait
      await page.locator("input[type=password]").fill("hovor-demo");
      await page.locator("input[type=password]").press("Enter");
      await page.waitForURL(/\/desk$/, { timeout: 60_000 });
      // At tablet width the task list folds away: open the first chat by its address.
      const task = await page.locator('[data-testid="task"][data-channel="chat"]').first().getAttribute("href");
      await page.goto(`${base}${task}`);
      await page.route("**/api/conversations/*/messages", (route) =>
        route.fulfill({ status: 409, contentType: "application/json",
          body: '{"code":"conflict","reason":"not_assigned","message":"The conversation is not assigned to you."}' }));
      await page.getByTestId("composer").fill("Dobrý den, hned se na to podívám.");
      await page.getByTestId("send").click();
      await page.getByTestId("pending-message").waitFor();
      await page.screenshot({ path: join(out, `refused-${lang}-${device}.png`) });

      const chat = await context.newPage();
      await chat.route("**/api/chat/queues/*/conversations", (route) =>
        route.fulfill({ status: 429, contentType: "application/json",
          body: '{"code":"queue_full","message":"The queue is full."}' }));
      await chat.goto(`${base}/chat/1?lang=${lang}`);
      await chat.locator("#f-name").fill("Olena Kovalenko");
      for (const input of await chat.locator("#survey [data-question-id]").all()) {
        if ((await input.evaluate((e) => e.tagName)) === "SELECT") await input.selectOption({ index: 1 });
        else await input.fill("Faktura 2026/114");
      }
      await chat.locator("#start-submit").click();
      await chat.locator("#start-error:not([hidden])").waitFor();
      await chat.screenshot({ path: join(out, `chat-queue-full-${lang}-${device}.png`), fullPage: true });
      await context.close();
    }
  }
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await stop();
}
