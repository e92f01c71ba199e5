// Regenerates src/lib/api-types.ts from the backend's OpenAPI document (`todo-api openapi`).
// `--check` fails instead of writing when the committed file is stale (CI runs it).
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const target = here("../src/lib/api-types.ts");
const todoApi = here("../../backend/.venv/bin/todo-api");

const document = JSON.parse(execFileSync(todoApi, ["openapi"], { encoding: "utf8" }));
const header = "// Generated from the backend's OpenAPI document by `npm run api-types`. Do not edit.\n\n";
const generated = header + astToString(await openapiTS(document, { defaultNonNullable: false }));

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(target, "utf8");
  } catch {}
  if (current !== generated) {
    console.error("src/lib/api-types.ts is stale: run `npm run api-types` in frontend/ and commit it.");
    process.exit(1);
  }
  console.log("api-types: src/lib/api-types.ts matches the backend's OpenAPI document");
} else {
  writeFileSync(target, generated);
  console.log("api-types: wrote src/lib/api-types.ts");
}
