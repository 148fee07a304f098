// Compiles src/ into dist/, and each workspace package's src/ into its own dist/
// (packages/<name>/src/ into packages/<name>/dist/, what its package.json exports to Node),
// with SWC: a transpile, file by file, in about a second.
//
// Type-checking is not this script's job (`npm run typecheck` does it, and CI, and the
// editor). SWC emits the decorator metadata type-graphql reads, with the same settings as
// tsconfig.json; tsc's own emit took 6-90 s on a 2-core machine.
//
//   node scripts/build.mjs            compile what changed since the last build
//   node scripts/build.mjs --clean    compile everything
//   node scripts/build.mjs --check    exit 1 when a dist/ is out of date (compiles nothing)
//
// Also used by scripts/start.mjs and scripts/dev.mjs through buildProject().
import { existsSync, readdirSync } from "node:fs";
import { mkdir, readdir, rm, stat, copyFile, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const sourceDir = join(projectRoot, "src");
export const outputDir = join(projectRoot, "dist");

/** What is compiled: the app, then each package under packages/ that has a src/. */
export const units = [{ sourceDir, outputDir }, ...workspacePackages()];
/** Every source folder, for watchers. */
export const sourceDirs = units.map((unit) => unit.sourceDir);

function workspacePackages() {
  const packagesDir = join(projectRoot, "packages");
  if (!existsSync(packagesDir)) return [];
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(packagesDir, entry.name, "src")))
    .map((entry) => ({
      sourceDir: join(packagesDir, entry.name, "src"),
      outputDir: join(packagesDir, entry.name, "dist"),
    }));
}

/** Files under src/ that end up in dist/: TypeScript is compiled, plain .mjs/.js is copied. */
const isSource = (path) => /\.(ts|mts)$/.test(path) && !/\.(test|test-d|d)\.m?ts$/.test(path);
const isAsset = (path) => /\.(mjs|js|json)$/.test(path);

/** SWC options equivalent to tsconfig.json's emit settings. */
const swcOptions = (filename, target) => ({
  filename,
  sourceMaps: true,
  // Paths in source maps relative to the output file, as tsc writes them.
  sourceFileName: relative(dirname(target), filename),
  jsc: {
    target: "es2022",
    parser: { syntax: "typescript", decorators: true },
    transform: {
      legacyDecorator: true, // experimentalDecorators
      decoratorMetadata: true, // emitDecoratorMetadata
      useDefineForClassFields: true, // tsc's default for target ES2022
    },
    keepClassNames: true,
  },
  module: { type: "es6" },
  isModule: true,
  swcrc: false,
  configFile: false,
});

function outputPathOf(unit, sourcePath) {
  const path = join(unit.outputDir, relative(unit.sourceDir, sourcePath));
  return isSource(path) ? path.replace(/\.(m?)ts$/, ".$1js") : path;
}

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

async function mtimeOf(path) {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return -1;
  }
}

/**
 * The files whose output is missing or older than their source (each with its output
 * path), and outputs with no source, over every unit.
 */
export async function staleFiles() {
  const results = await Promise.all(units.map(staleFilesOf));
  return {
    sources: results.flatMap((result) => result.sources),
    stale: results.flatMap((result) => result.stale),
    orphans: results.flatMap((result) => result.orphans),
  };
}

async function staleFilesOf(unit) {
  const sources = [];
  for await (const path of walk(unit.sourceDir)) {
    if (isSource(path) || isAsset(path)) sources.push(path);
  }
  const expected = new Set(sources.map((path) => outputPathOf(unit, path)));
  const stale = [];
  await Promise.all(
    sources.map(async (path) => {
      const target = outputPathOf(unit, path);
      const [source, output] = await Promise.all([mtimeOf(path), mtimeOf(target)]);
      if (output < source) stale.push({ path, target });
    }),
  );
  const orphans = [];
  try {
    for await (const path of walk(unit.outputDir)) {
      const base = path.replace(/\.map$/, "");
      if (/\.(m?js)$/.test(base) && !expected.has(base)) orphans.push(path);
    }
  } catch {
    // no dist/ yet
  }
  return { sources, stale, orphans };
}

/**
 * Brings dist/ up to date: compiles the sources that changed, copies assets, deletes
 * outputs whose source is gone. Resolves with what it did. `log` receives one line
 * before it starts work (never when there is nothing to do).
 */
export async function buildProject({ clean = false, log = () => {} } = {}) {
  const started = performance.now();
  if (clean) {
    await Promise.all(units.map((unit) => rm(unit.outputDir, { recursive: true, force: true })));
  }
  const { sources, stale, orphans } = await staleFiles();
  if (stale.length === 0 && orphans.length === 0) {
    return { compiled: 0, removed: 0, ms: 0 };
  }
  log(
    stale.length === sources.length
      ? `Compiling ${stale.length} files from src/ and packages/*/src/ into dist/ with SWC (no type-check) ...`
      : `Compiling ${stale.length} changed file${stale.length === 1 ? "" : "s"} into dist/ ...`,
  );
  // Loaded only when there is work: starting an up-to-date build costs nothing.
  const swc = await import("@swc/core");
  await Promise.all(
    stale.map(async ({ path, target }) => {
      await mkdir(dirname(target), { recursive: true });
      if (isAsset(path)) {
        await copyFile(path, target);
        return;
      }
      const { code, map } = await swc.transformFile(path, swcOptions(path, target));
      const mapName = `${target.split("/").at(-1)}.map`;
      await Promise.all([
        writeFile(target, `${code}\n//# sourceMappingURL=${mapName}\n`),
        map ? writeFile(`${target}.map`, map) : Promise.resolve(),
      ]);
    }),
  );
  await Promise.all(orphans.map((path) => rm(path, { force: true })));
  return {
    compiled: stale.length,
    removed: orphans.length,
    ms: Math.round(performance.now() - started),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = new Set(process.argv.slice(2));
  if (args.has("--check")) {
    const { stale, orphans } = await staleFiles();
    if (stale.length || orphans.length) {
      console.error(`dist/ is out of date: ${stale.length} changed, ${orphans.length} removed`);
      process.exit(1);
    }
    console.log("dist/ is up to date");
  } else {
    const result = await buildProject({ clean: args.has("--clean"), log: console.log });
    if (result.compiled || result.removed) {
      console.log(
        `dist/ built in ${result.ms} ms (${result.compiled} compiled, ${result.removed} removed)`,
      );
    } else {
      console.log("dist/ is up to date");
    }
  }
}
