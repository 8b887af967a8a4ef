// The example CRM: a page that frames Hovor's desk through the host SDK, lists contacts with
// click-to-dial and opens the contact the desk's screen pop names. Served only by the journeys and by
// `node end2end/mock-crm/serve.mjs` (see the README, "Hovor inside a CRM").
//   node end2end/mock-crm/serve.mjs --hovor http://127.0.0.1:8080 [--port 8090]
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const page = readFileSync(fileURLToPath(new URL("./index.html", import.meta.url)), "utf8");
const forger = readFileSync(fileURLToPath(new URL("./forger.html", import.meta.url)), "utf8");

/**
 * Serves the CRM on `localhost:<port>` for the Hovor at `hovor` (a URL; may be set later, as `crm.hovor`,
 * since Hovor must know the CRM's origin first). Resolves to `{ origin, hovor, close }`.
 */
export async function startMockCrm({ hovor = "", port = 0 } = {}) {
  const crm = { origin: "", hovor, close: () => {} };
  const server = createServer((request, response) => {
    const path = new URL(request.url, "http://crm").pathname;
    const hovorOrigin = crm.hovor ? new URL(crm.hovor).origin : "";
    const pages = {
      "/": page.replaceAll("{{HOVOR}}", hovorOrigin),
      // Frames the desk without the SDK: nobody answers its greeting.
      "/plain": `<!doctype html><title>Plain CRM</title><iframe title="Hovor" style="width:400px;height:700px;border:0"
        src="${hovorOrigin}/embed?host=${encodeURIComponent(crm.origin)}"></iframe>`,
      "/forger": forger,
    };
    const body = pages[path] ?? null;
    if (body === null) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    response.end(body);
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  crm.origin = `http://localhost:${server.address().port}`;
  crm.close = () => new Promise((resolve) => server.close(resolve));
  return crm;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const option = (name, fallback) => {
    const at = process.argv.indexOf(`--${name}`);
    return at > 0 ? process.argv[at + 1] : fallback;
  };
  const hovor = option("hovor", "http://127.0.0.1:8080");
  const crm = await startMockCrm({ hovor, port: Number(option("port", "8090")) });
  console.log(`The example CRM is at ${crm.origin}/ (start Hovor with --embed-host-origins ${crm.origin})`);
}
