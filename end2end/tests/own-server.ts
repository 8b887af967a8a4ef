import { spawn, ChildProcess } from "node:child_process";
import { chromium, type Browser, type Page } from "@playwright/test";
import { chromiumArgs } from "../playwright.config";
import { createServer } from "node:net";
import { mkdirSync, rmSync } from "node:fs";

/** The secret the host site signs customer identities with, in the journeys. */
export const IDENTITY_SECRET = "shop-example-identity-secret";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * A release server this test owns, on its own port and fresh demo database, so the test can stop it
 * (SIGTERM, as in a deployment) and start it again on the same port and database.
 */
export class OwnServer {
  private process?: ChildProcess;
  private constructor(readonly port: number, readonly database: string) {}

  private env: Record<string, string> = {};

  /** `env`: extra settings, e.g. the host sites allowed to talk to the chat page. */
  static async start(name: string, env: Record<string, string> = {}): Promise<OwnServer> {
    mkdirSync("artifacts", { recursive: true });
    const database = `artifacts/${name}.db`;
    for (const suffix of ["", "-wal", "-shm"]) rmSync(database + suffix, { force: true });
    const server = new OwnServer(await freePort(), database);
    server.env = env;
    await server.up();
    return server;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async up() {
    this.process = spawn(
      "../target/release/hovor-server",
      ["--listen", `127.0.0.1:${this.port}`, "--database", `sqlite://${this.database}`, "--demo", "--dist", "../dist"],
      { env: { ...process.env, HOVOR_CHAT_IDENTITY_SECRET: IDENTITY_SECRET, HOVOR_CHAT_STARTS_PER_ADDRESS: "1000", ...this.env }, stdio: ["ignore", "ignore", "inherit"] },
    );
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      try {
        if ((await fetch(`${this.url}/api/health`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("the server did not start");
  }

  /**
   * Ends a test: closes its pages first, so that nothing they still fetch in the background (the app
   * prefetches its chunks) fails against a server that has gone, then stops the server.
   */
  async finish(...pages: Page[]) {
    for (const page of pages) await page.close();
    await this.down();
  }

  async down() {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
}

/** Chromium as browsers now are for a third-party frame: its cookies blocked (the CRM journeys). */
export function chromiumWithoutThirdPartyCookies(): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: [...chromiumArgs, "--test-third-party-cookie-phaseout"] });
}
