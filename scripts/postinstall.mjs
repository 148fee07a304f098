// What `npm install` does after installing, so that `npm start` starts at once:
//   1. generates the Prisma client (without Prisma's CDN: scripts/prisma-generate.mjs);
//   2. compiles src/ into dist/, and the workspace packages' src/ into their dist/ (SWC,
//      about a second);
//   3. prepares an empty embedded-database data directory, the template every new
//      PGLITE_DATA_DIR is copied from (initdb takes 5-15 s; a copy, a fraction of one).
// Each step says what it does. A production install (--omit=dev, as in the Dockerfile's
// final stage) has no SWC: it skips step 2, the image having been built already.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const started = performance.now();
const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

function step(title, fn) {
  const at = performance.now();
  process.stdout.write(`activelog: ${title} ... `);
  return Promise.resolve(fn()).then((note) => console.log(`${note ?? "done"} (${seconds(at)})`));
}

function isInstalled(name) {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

await step("generating the Prisma client", () => {
  const result = spawnSync(process.execPath, ["scripts/prisma-generate.mjs"], {
    encoding: "utf8",
  });
  if (result.status !== 0) {
    console.error(`failed:\n${result.stdout}${result.stderr}`);
    process.exit(result.status ?? 1);
  }
});

if (isInstalled("@swc/core")) {
  await step("compiling src/ and packages/ into dist/", async () => {
    const { buildProject } = await import("./build.mjs");
    const { compiled } = await buildProject();
    return `${compiled} files`;
  });
  await step("preparing the embedded database's template (once per PGlite version)", async () => {
    const { ensureDataDirTemplate } = await import("../dist/db/embedded/dataDirTemplate.js");
    const { PGlite } = await import("@electric-sql/pglite");
    const { created } = await ensureDataDirTemplate(async (dataDir) => {
      const pglite = await PGlite.create(dataDir);
      const archive = await pglite.dumpDataDir("none");
      await pglite.close();
      return archive;
    });
    return created ? "created" : "already there";
  });
} else {
  console.log("activelog: no @swc/core (a production install): dist/ is expected to be built");
}

console.log(`activelog: ready for npm start (${seconds(started)})`);
