// What every benchmark needs: a release server of its own (fresh demo database, free loopback port),
// headless Chromium, and an agent signed in to the desk.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const root = new URL("../..", import.meta.url).pathname;
export const dist = process.env.HOVOR_BENCH_DIST ?? join(root, "dist");

/**
 * Starts the server (with `extraArgs`, if any) and waits until it answers; `stop()` ends it with
 * SIGTERM and removes its database (`database`: the SQLite file's path).
 */
export async function startServer(extraArgs = []) {
  // A running Hovor to measure instead (e.g. scripts/at-scale.sh: nginx, two servers, PostgreSQL).
  if (process.env.HOVOR_BENCH_BASE) return { base: process.env.HOVOR_BENCH_BASE, stop: async () => {} };
  const port = await new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
  const dir = mkdtempSync(join(tmpdir(), "hovor-bench-"));
  const server = spawn(join(root, "target/release/hovor-server"),
    ["--listen", `127.0.0.1:${port}`, "--database", `sqlite://${join(dir, "bench.db")}`, "--demo", "--dist", dist, ...extraArgs],
    { stdio: ["ignore", "ignore", "inherit"] });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${base}/api/health`)).ok) break; } catch {}
    if (i > 300) throw new Error("the server did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async () => {
    const exited = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  return { base, stop, database: join(dir, "bench.db") };
}

export function launchChromium() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
  });
}

/** A 1366×768 desk page with `username` signed in; any page error fails the benchmark. */
export async function signedInDesk(browser, base, username) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: "en-GB" });
  const page = await context.newPage();
  page.on("pageerror", (e) => { throw e; });
  await page.goto(`${base}/login`);
  await page.getByLabel(/user name/i).fill(username);
  await page.getByLabel(/password/i).fill("hovor-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/desk$/);
  return { context, page };
}
