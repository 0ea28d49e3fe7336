// Fails when src/client differs from what the generator makes of ../openapi/openapi.json.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const out = mkdtempSync(join(tmpdir(), "minthub-client-"));
try {
  execFileSync("npx", ["openapi-ts"], { env: { ...process.env, CLIENT_OUT: out }, stdio: "pipe" });
  const list = (dir) =>
    readdirSync(dir).flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? list(p) : [p];
    });
  const fresh = new Map(list(out).map((p) => [relative(out, p), readFileSync(p, "utf8")]));
  const committed = new Map(list("src/client").map((p) => [relative("src/client", p), readFileSync(p, "utf8")]));
  const stale = [...new Set([...fresh.keys(), ...committed.keys()])].filter(
    (k) => fresh.get(k) !== committed.get(k),
  );
  if (stale.length) {
    console.error(`The generated client is stale (${stale.join(", ")}): run \`npm run client:generate\`.`);
    process.exit(1);
  }
  console.log(`generated client is up to date (${fresh.size} files)`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
