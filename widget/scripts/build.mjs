// Builds ../bot/web/static/frontline-widget.js, the file the Rasa server serves at
// /widget/frontline-widget.js. The output is committed so running Frontline needs no Node.js.
// Reproducible: exact versions in package-lock.json (`npm ci`), no timestamps, no source paths.
//
//   npm ci && npm run build     rebuild
//   npm run check               fail if the committed file differs from a fresh build (CI, review)
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { readFile, readdir, writeFile, mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const outfile = resolve(root, "../bot/web/static/frontline-widget.js");
const pkg = JSON.parse(await readFile(resolve(root, "package.json"), "utf8"));
const lock = JSON.parse(await readFile(resolve(root, "package-lock.json"), "utf8"));
const bundled = Object.keys(pkg.dependencies)
  .map((name) => `${name}@${lock.packages[`node_modules/${name}`].version}`)
  .join(", ");

// A hash of everything the output is built from goes into its banner, so a Python test (no Node
// needed) can tell when someone edited widget/ and forgot to rebuild (tests/unit/web/).
async function sourceHash() {
  const src = (await readdir(resolve(root, "src"))).sort().map((name) => `src/${name}`);
  const hash = createHash("sha256");
  for (const name of ["package.json", "package-lock.json", "scripts/build.mjs", ...src]) {
    hash.update(`${name}\0`);
    hash.update(await readFile(resolve(root, name)));
    hash.update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

const result = await build({
  absWorkingDir: root,
  entryPoints: ["src/index.js"],
  bundle: true,
  format: "iife",
  platform: "browser",
  target: ["es2020", "chrome90", "firefox90", "safari15"], // browsers of the last ~4 years
  minify: true,
  charset: "utf8",
  legalComments: "eof", // keep the licence notices of the bundled packages
  loader: { ".css": "text" },
  define: { __FRONTLINE_WIDGET_VERSION__: JSON.stringify(pkg.version) },
  banner: {
    js:
      `/*! Frontline website chat widget ${pkg.version} (Apache-2.0). Generated from widget/ by ` +
      "`npm ci && npm run build`; do not edit. Bundles " + bundled + `. Sources: ${await sourceHash()} */`,
  },
  write: false,
});
const code = result.outputFiles[0].text;

if (process.argv.includes("--check")) {
  const committed = await readFile(outfile, "utf8").catch(() => "");
  if (committed !== code) {
    console.error(`${outfile} is out of date: run \`npm ci && npm run build\` in widget/`);
    process.exit(1);
  }
  console.log(`${outfile} is up to date`);
} else {
  await mkdir(dirname(outfile), { recursive: true });
  await writeFile(outfile, code);
  console.log(`wrote ${outfile} (${(code.length / 1024).toFixed(1)} KiB)`);
}
