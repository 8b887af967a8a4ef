// The desk's cold start on a tablet's network: Lighthouse (mobile preset: simulated slow 4G and 4× CPU)
// on a first load of `/desk/{id}` for a signed-in agent, against the budgets in docs/PERFORMANCE.md.
// It starts its own server (release binary, fresh demo database) on a free loopback port.
//
//   node lighthouse/cold-start.mjs [--runs 3]     (median of the runs)
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";
import { writeFileSync } from "node:fs";
import { root, startServer } from "../bench/harness.mjs";

const runs = Number(process.argv[process.argv.indexOf("--runs") + 1] || 3) || 3;
const BUDGET = { score: 90, lcpMs: 2500, tbtMs: 200 };

/** Signs `username` in over the API; the session cookie goes with every request Lighthouse makes. */
async function sessionCookie(base, username) {
  const response = await fetch(`${base}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password: "hovor-demo" }),
  });
  if (!response.ok) throw new Error(`sign-in refused: ${response.status}`);
  return response.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const { base, stop } = await startServer();
const chrome = await chromeLauncher.launch({
  chromePath: "/usr/bin/chromium",
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let failed = false;
try {
  const cookie = await sessionCookie(base, "agent1");
  const tasks = await (await fetch(`${base}/api/tasks`, { headers: { cookie } })).json();
  const url = `${base}/desk/${tasks[0].id}`;
  const figures = [];
  for (let i = 0; i < runs; i++) {
    const { lhr } = await lighthouse(url, {
      port: chrome.port,
      output: "json",
      onlyCategories: ["performance"],
      extraHeaders: { Cookie: cookie },
      logLevel: "error",
    });
    if (lhr.runtimeError) throw new Error(`${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
    // The whole report of the last run, for the details behind the figures (main-thread work, requests).
    writeFileSync(`${root}/target/lighthouse-desk.json`, JSON.stringify(lhr));
    const audit = (id) => lhr.audits[id].numericValue;
    figures.push({
      score: Math.round(lhr.categories.performance.score * 100),
      fcp: audit("first-contentful-paint"),
      lcp: audit("largest-contentful-paint"),
      tbt: audit("total-blocking-time"),
      cls: audit("cumulative-layout-shift"),
      si: audit("speed-index"),
    });
    const f = figures.at(-1);
    console.log(`run ${i + 1}: score ${f.score}, FCP ${f.fcp.toFixed(0)} ms, LCP ${f.lcp.toFixed(0)} ms, ` +
      `TBT ${f.tbt.toFixed(0)} ms, CLS ${f.cls.toFixed(3)}, speed index ${f.si.toFixed(0)} ms`);
  }
  const m = (k) => median(figures.map((f) => f[k]));
  const line = (name, value, budget, ok) => {
    failed ||= ok === false;
    console.log(`${name.padEnd(46)} ${value.padStart(10)}     ${budget.padEnd(14)} ${ok === undefined ? "" : ok ? "ok" : "OVER BUDGET"}`);
  };
  console.log(`${"figure (median of " + runs + ", mobile preset)".padEnd(46)} ${"value".padStart(10)}     budget`);
  line("cold /desk/{id}: Lighthouse performance", String(m("score")), `>= ${BUDGET.score}`, m("score") >= BUDGET.score);
  line("cold /desk/{id}: first contentful paint", `${m("fcp").toFixed(0)} ms`, "", undefined);
  line("cold /desk/{id}: largest contentful paint", `${m("lcp").toFixed(0)} ms`, `<= ${BUDGET.lcpMs} ms`, m("lcp") <= BUDGET.lcpMs);
  line("cold /desk/{id}: total blocking time", `${m("tbt").toFixed(0)} ms`, `<= ${BUDGET.tbtMs} ms`, m("tbt") <= BUDGET.tbtMs);
  line("cold /desk/{id}: cumulative layout shift", m("cls").toFixed(3), "", undefined);
} finally {
  await chrome.kill();
  await stop();
}
process.exit(failed ? 1 : 0);
