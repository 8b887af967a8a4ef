import { defineConfig } from "@playwright/test";

// The server under test: the release binary on a free loopback port (chosen by scripts/test.sh),
// with a fresh SQLite database filled with the demo, serving the built app from ../dist.
const port = Number(process.env.HOVOR_E2E_PORT ?? 18080);
const database = `artifacts/e2e-${port}.db`;
// Agents' emails go to a local SMTP sink that keeps each one as a file in `mailDir`.
const smtpPort = Number(process.env.HOVOR_E2E_SMTP_PORT ?? 18025);
export const mailDir = `artifacts/mail-${smtpPort}`;
export const inboundToken = "e2e-inbound-token";
/** Chromium's flags for every journey; the voice journeys add their own for fake audio. */
export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export default defineConfig({
  testDir: "tests",
  outputDir: "test-results",
  timeout: 60_000,
  // Assertions wait for a state, not a time: on a busy machine a desk may take longer than the default
  // 5 s to connect, and a passing state returns at once whatever this is.
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: chromiumArgs,
    },
    trace: "retain-on-failure",
  },
  webServer: [
    {
      command: `rm -rf ${mailDir} && ../target/release/hovor-mail-sink --listen 127.0.0.1:${smtpPort} --dir ${mailDir}`,
      port: smtpPort,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command:
        `mkdir -p artifacts && rm -f ${database} ${database}-wal ${database}-shm && ` +
        `../target/release/hovor-server --listen 127.0.0.1:${port} --database sqlite://${database} --demo --dist ../dist ` +
        `--smtp-url smtp://127.0.0.1:${smtpPort} --inbound-email-token ${inboundToken} --chat-starts-per-address 1000`,
      url: `http://127.0.0.1:${port}/api/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
    },
  ],
});
