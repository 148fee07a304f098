// Runs one of the app's commands from dist/, compiling first whatever changed in src/
// (SWC, no type-check; nothing at all when dist/ is up to date, which costs a few ms).
//
//   node scripts/run.mjs main                 the server (npm start)
//   node scripts/run.mjs db/cli/migrate ...   a command, with its arguments
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildProject, outputDir } from "./build.mjs";

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("Usage: node scripts/run.mjs <entry under dist/, without .js> [arguments]");
  process.exit(2);
}
const result = await buildProject({ log: (line) => console.error(`activelog: ${line}`) });
if (result.compiled || result.removed) {
  console.error(`activelog: dist/ built in ${result.ms} ms`);
}
const entryPath = join(outputDir, `${entry}.js`);
// The command reads its own arguments from process.argv, as when run as `node dist/<entry>.js`.
process.argv = [process.argv[0], entryPath, ...args];
await import(pathToFileURL(entryPath).href);
