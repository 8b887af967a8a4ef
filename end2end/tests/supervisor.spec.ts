import { test, expect, signInAt, api } from "./fixtures";
import { OwnServer } from "./own-server";

// The supervisor on a tablet, by touch: the board shows what the server counted, each figure defined
// on tap; the supervisor sets an agent Idle and the agent's desk shows it at once; the agent's own
// change reaches the board without a reload. Landscape and portrait, every target at least 44 px.

for (const [orientation, viewport] of [["landscape", { width: 1024, height: 768 }], ["portrait", { width: 768, height: 1024 }]] as const) {
  test(`a supervisor on a ${orientation} tablet reads the queues and sets an agent Idle; the agent's desk follows`, async ({ page, browser }) => {
    test.setTimeout(90_000);
    const server = await OwnServer.start(`supervisor-${orientation}`);
    const tablet = await browser.newContext({ viewport, hasTouch: true, isMobile: true });
    const board = await tablet.newPage();
    try {
      await page.setViewportSize({ width: 1366, height: 768 });
      await signInAt(page, server.url, "agent5");
      await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "live");
      await page.getByTestId("agent-status").selectOption("available");

      await signInAt(board, server.url, "supervisor");
      // In portrait the sections sit in the drawer with the task list.
      const drawer = board.locator("button[aria-controls=task-list]");
      if (await drawer.isVisible()) await drawer.tap();
      await board.getByTestId("nav-supervisor").tap();
      const root = board.getByTestId("supervisor");
      await expect(root).toHaveAttribute("data-state", "ready");

      // The cards show what the server counted.
      const supervisor = await api(server.url, "supervisor");
      const counted = await (await supervisor.get("/api/supervisor/board")).json();
      const first = counted.queues[0];
      const card = board.locator(`[data-testid="supervisor-queue"][data-queue="${first.queue_id}"]`);
      await expect(card.getByTestId("queue-waiting")).toHaveText(String(first.waiting));
      await expect(card.getByTestId("queue-ringing")).toHaveText(String(first.ringing));
      // A figure tapped shows its definition.
      const sl = card.getByTestId("queue-today").getByTestId("figure-service_level");
      await sl.tap();
      await expect(card.getByTestId("figure-definition")).toContainText(`Answered within ${first.sl_seconds} s`);

      // Emily Carter is Available; the supervisor sets her Idle for lunch, and her desk shows it at once.
      const agent5 = counted.agents.find((a: { name: string }) => a.name === "Emily Carter");
      const row = board.locator(`[data-testid="supervisor-agent"][data-agent="${agent5.user_id}"]`);
      await expect(row).toHaveAttribute("data-state", "available");
      await row.getByTestId("idle-reason").selectOption("lunch");
      await row.getByTestId("set-idle").tap();
      await expect(board.getByTestId("supervisor-said")).toHaveText("Emily Carter: Idle.");
      await expect(page.getByTestId("agent-status")).toHaveValue("idle:lunch", { timeout: 5_000 });
      await expect(row).toHaveAttribute("data-state", "idle");
      await expect(row.getByTestId("agent-state")).toHaveText("Idle – Lunch");

      // Her own change reaches the board live.
      await page.getByTestId("agent-status").selectOption("available");
      await expect(row).toHaveAttribute("data-state", "available", { timeout: 5_000 });

      // A reason chosen on the board stays chosen while her row is drawn again for changes of her own,
      // and is the one sent.
      await row.getByTestId("idle-reason").selectOption("meeting");
      await page.getByTestId("agent-status").selectOption("idle:break");
      await expect(row).toHaveAttribute("data-state", "idle", { timeout: 5_000 });
      await page.getByTestId("agent-status").selectOption("available");
      await expect(row).toHaveAttribute("data-state", "available", { timeout: 5_000 });
      await expect(row.getByTestId("idle-reason")).toHaveValue("meeting");
      await row.getByTestId("set-idle").tap();
      await expect(page.getByTestId("agent-status")).toHaveValue("idle:meeting", { timeout: 5_000 });
      await page.getByTestId("agent-status").selectOption("available");
      await expect(row).toHaveAttribute("data-state", "available", { timeout: 5_000 });

      // Targets a finger can hit.
      for (const target of await root.locator("button, select").all()) {
        const box = await target.boundingBox();
        if (box) expect(box.height, await target.getAttribute("data-testid") ?? "a target").toBeGreaterThanOrEqual(44);
      }
      await board.screenshot({ path: `artifacts/screenshots/supervisor-${orientation}.png`, fullPage: false });
      await board.getByTestId("language").first().selectOption("cs");
      await expect(root.getByRole("heading", { level: 2 })).toHaveText("Supervizor");
      await board.screenshot({ path: `artifacts/screenshots/supervisor-${orientation}-cs.png` });

      // Agents have no board.
      await page.goto(`${server.url}/desk/supervisor`);
      await expect(page.getByTestId("supervisor-forbidden")).toBeVisible();
    } finally {
      await tablet.close();
      await server.finish(page);
    }
  });
}
