// Copies the files listed in assets.json from node_modules/ into vendor/, which Streamlit serves
// at /app/static/vendor/. Run by `npm run vendor` after `npm ci` (the Makefile's `assets` target).
import { cpSync, existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const manifest = JSON.parse(readFileSync(join(here, "assets.json"), "utf8"));
const vendor = join(here, "vendor");

rmSync(vendor, { recursive: true, force: true });
const missing = [];
for (const [target, source] of Object.entries(manifest.files)) {
  const from = join(here, "node_modules", source);
  if (!existsSync(from)) {
    missing.push(source);
    continue;
  }
  cpSync(from, join(vendor, target), { recursive: true });
}
if (missing.length) {
  console.error(`missing in node_modules (run npm ci first): ${missing.join(", ")}`);
  process.exit(1);
}
console.log(`copied ${Object.keys(manifest.files).length} asset(s) into ${vendor}`);
