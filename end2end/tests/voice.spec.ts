import { expect, test } from "./fixtures";
import { audioLaunch, connectWithTone, levels, packetsReceived } from "./audio";

test.use({ launchOptions: audioLaunch });

// Real audio through the server's media switch: Chromium sends a 440 Hz tone over WebRTC, and the
// sound check sends it back. A tone the page did not send (660 Hz) must stay at the noise floor.
test("the sound check plays the browser's own microphone back through the server", async ({ page }) => {
  await page.goto("/api/health");
  await connectWithTone(page, "/api/voice/sound-check", 440);
  await expect.poll(() => packetsReceived(page), { message: "audio packets come back" }).toBeGreaterThan(50);
  await expect
    .poll(async () => (await levels(page, [440]))[440], { message: "the page hears its own 440 Hz tone" })
    .toBeGreaterThan(-40);
  const heard = await levels(page, [440, 660, 1100]);
  expect(heard[660], "no tone the page did not send").toBeLessThan(heard[440] - 30);
  expect(heard[1100]).toBeLessThan(heard[440] - 30);
});

test("a sound check with a malformed offer gets a typed error", async ({ request }) => {
  const answer = await request.post("/api/voice/sound-check", { data: { sdp: "hello" } });
  expect(answer.status()).toBe(422);
  expect(await answer.json()).toMatchObject({ code: "validation", field: "sdp", rule: { kind: "malformed" } });
});
