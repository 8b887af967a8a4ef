import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Page } from "@playwright/test";
import { test, expect, signInAt, api } from "./fixtures";
import { OwnServer } from "./own-server";

// The desk at every width an agent or a supervisor uses, and in both colour schemes.

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

async function noSidewaysScroll(page: Page, label: string) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${label}: sideways scrolling`).toBeLessThanOrEqual(0);
}

/** agent1 signed in on `server`'s desk; their conversations, as the task list has them. */
async function agent1Desk(page: Page, server: OwnServer): Promise<{ id: number }[]> {
  const agent = await api(server.url, "agent1");
  const tasks = await (await agent.get("/api/tasks")).json();
  await signInAt(page, server.url, "agent1");
  return tasks;
}

test("from a 360 px phone to a 1366 px desktop, and at 200 % zoom, nothing scrolls sideways; at 1024×768 the task list stays", async ({ page }) => {
  const server = await OwnServer.start("layout-widths");
  try {
    const tasks = await agent1Desk(page, server);
    // 683×384 is what a 1366×768 screen shows at 200 % zoom.
    for (const [width, height] of [[360, 740], [412, 915], [683, 384], [768, 1024], [1024, 768], [1280, 800], [1366, 768]]) {
      await page.setViewportSize({ width, height });
      for (const task of tasks) {
        await page.goto(`${server.url}/desk/${task.id}`);
        await expect(page.getByTestId("customer-card")).toHaveAttribute("data-state", "ready");
        await expect(page.getByTestId("suggestions")).toHaveAttribute("data-state", "ready");
        await noSidewaysScroll(page, `${width}×${height}, conversation ${task.id}`);
      }
      if (width >= 1024) {
        const list = (await page.getByTestId("task-list").boundingBox())!;
        expect(list.x, `task list at ${width}`).toBeGreaterThanOrEqual(0);
        expect(list.y + 40, `task list at ${width}`).toBeLessThanOrEqual(height);
        await expect(page.getByTestId("task").first()).toBeInViewport();
      }
    }
  } finally {
    await server.finish(page);
  }
});

test("in Bulgarian, the longest language, every control of the customer's pane stays inside its card at 1024 and 1366 px", async ({ page }) => {
  const server = await OwnServer.start("layout-bulgarian");
  try {
    const tasks = await agent1Desk(page, server);
    await page.getByTestId("language").first().selectOption("bg");
    for (const [width, height] of [[1024, 768], [1366, 768]]) {
      await page.setViewportSize({ width, height });
      for (const task of tasks) {
        await page.goto(`${server.url}/desk/${task.id}`);
        await page.getByTestId("side-customer").click();
        const card = page.getByTestId("customer-card");
        await expect(card).toHaveAttribute("data-state", "ready");
        await expect(card.locator("h2")).toHaveText("Клиент");
        const outside = await card.evaluate((el) => {
          const box = el.getBoundingClientRect();
          return [...el.querySelectorAll("button, a, select, input, textarea")]
            .map((c) => ({ c, r: c.getBoundingClientRect() }))
            .filter(({ r }) => r.width > 0 && (r.right > box.right + 1 || r.left < box.left - 1))
            .map(({ c, r }) => `${c.tagName} "${(c.textContent ?? "").trim().slice(0, 30)}" ${Math.round(r.left)}–${Math.round(r.right)} outside ${Math.round(box.left)}–${Math.round(box.right)}`);
        });
        expect(outside, `${width}×${height}, conversation ${task.id}`).toEqual([]);
      }
    }
  } finally {
    await server.finish(page);
  }
});

test.describe("accessibility in both colour schemes", () => {
  // axe is injected as a script, which the app's own Content-Security-Policy rightly forbids.
  test.use({ bypassCSP: true });

  async function seriousViolations(page: Page) {
    await page.addScriptTag({ content: axeSource });
    return page.evaluate(async () => {
      // @ts-ignore axe is injected above
      const result = await axe.run(document, { resultTypes: ["violations"] });
      return result.violations
        .filter((v: any) => v.impact === "serious" || v.impact === "critical")
        .map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(" ")).slice(0, 3).join(", ")}`);
    });
  }

  for (const scheme of ["light", "dark"] as const) {
    test(`sign-in, the conversation with each sub-pane, the Directory, Invitations, the shortcut sheet and the library have no serious or critical violations (${scheme})`, async ({ page }) => {
      const server = await OwnServer.start(`axe-${scheme}`);
      try {
        await page.emulateMedia({ colorScheme: scheme });
        await page.setViewportSize({ width: 1366, height: 768 });
        await page.goto(`${server.url}/login`);
        await expect(page.locator('input[name="username"]')).toBeVisible();
        expect(await seriousViolations(page), "sign-in").toEqual([]);
        await signInAt(page, server.url, "agent1");
        await page.getByTestId("task").first().click();
        await expect(page.getByTestId("suggestions")).toHaveAttribute("data-state", "ready");
        expect(await seriousViolations(page), "conversation").toEqual([]);
        for (const side of ["customer", "session", "resources", "collaboration"]) {
          await page.getByTestId(`side-${side}`).click();
          await expect(page.getByTestId(`side-${side}`)).toHaveAttribute("aria-pressed", "true");
          await expect(page.locator(`[data-side="${side}"] [data-state="loading"], #side-customer-x`)).toHaveCount(0);
          expect(await seriousViolations(page), `the ${side} sub-pane`).toEqual([]);
        }
        await page.getByTestId("card-options").click();
        expect(await seriousViolations(page), "the Options menu").toEqual([]);
        await page.keyboard.press("Escape");
        for (const nav of ["nav-directory", "nav-invitations"]) {
          await page.getByTestId(nav).click();
          await expect(page.getByTestId(nav)).toHaveAttribute("aria-current", "page");
          expect(await seriousViolations(page), nav).toEqual([]);
        }
        await page.getByTestId("shortcuts-button").click();
        await expect(page.getByRole("dialog")).toBeVisible();
        expect(await seriousViolations(page), "the shortcut sheet").toEqual([]);
        await page.keyboard.press("Escape");
        await expect(page.getByRole("dialog")).toHaveCount(0);
        // The administrator's library.
        await page.getByTestId("sign-out").click();
        // Signed out once the sign-in page shows: navigating sooner could cancel the sign-out request.
        await expect(page).toHaveURL(/\/login$/);
        await signInAt(page, server.url, "admin");
        await page.getByTestId("nav-library").click();
        await expect(page.getByTestId("nav-library")).toHaveAttribute("aria-current", "page");
        await expect(page.locator("[data-state=loading]")).toHaveCount(0);
        expect(await seriousViolations(page), "the library").toEqual([]);
      } finally {
        await server.finish(page);
      }
    });
  }
});

test.describe("on a touch screen", () => {
  test.use({ hasTouch: true, isMobile: true, viewport: { width: 768, height: 1024 } });

  test("every control of the conversation, its sub-panes and the task list is at least 44 px tall and wide", async ({ page }) => {
    const server = await OwnServer.start("touch");
    try {
      expect(await page.evaluate(() => matchMedia("(pointer: coarse)").matches), "a coarse pointer").toBe(true);
      const tasks: { id: number }[] = await (await (await api(server.url, "agent1")).get("/api/tasks")).json();
      await signInAt(page, server.url, "agent1");
      await page.goto(`${server.url}/desk/${tasks[0].id}`);
      await expect(page.getByTestId("suggestions")).toHaveAttribute("data-state", "ready");
      const small = async () =>
        page.evaluate(() =>
          [...document.querySelectorAll("button, a[href], input, select, textarea, [role=tab], [role=option]")]
            .filter((e) => (e as HTMLElement).offsetParent !== null)
            .map((e) => ({ e, r: e.getBoundingClientRect() }))
            .filter(({ r }) => r.width > 0 && (r.height < 44 || r.width < 44))
            .map(({ e, r }) => `${e.tagName.toLowerCase()}[${e.getAttribute("data-testid") ?? e.textContent?.trim().slice(0, 20)}] ${Math.round(r.width)}×${Math.round(r.height)}`),
        );
      expect(await small(), "the conversation").toEqual([]);
      for (const side of ["customer", "session", "resources", "collaboration"]) {
        await page.getByTestId(`side-${side}`).click();
        await expect(page.getByTestId(`side-${side}`)).toHaveAttribute("aria-pressed", "true");
        expect(await small(), `the ${side} sub-pane`).toEqual([]);
      }
      await page.locator(`[aria-controls="task-list"]`).click();
      await expect(page.getByTestId("task").first()).toBeInViewport();
      expect(await small(), "the task list").toEqual([]);
    } finally {
      await server.finish(page);
    }
  });
});
