// Bundles each widget's module (widgets/<name>.js, which imports ./_shared.js) and stylesheet
// into adpipeline/static/, where the widget classes point `_esm` and `_css`.
//
//   npm run build   build once
//   npm run dev     rebuild on every save (a kernel started with ANYWIDGET_HMR=1
//                   reloads the open widgets)
//   npm run check   exit 1 if a committed bundle differs from a fresh build (and lint)
//
// Bundles carry an inline source map, so the browser's developer tools show errors at
// their line in widgets/, not in the bundle.
import * as esbuild from "esbuild";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join, relative } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const SOURCES = join(ROOT, "widgets");
const OUT = join(ROOT, "adpipeline", "static");

// Files whose name starts with "_" are only imported; the rest are widgets.
const entries = (suffix) => readdirSync(SOURCES)
  .filter((name) => name.endsWith(suffix) && !name.startsWith("_"))
  .map((name) => join(SOURCES, name));

// Bundles are build output, read through their source maps: white space goes, names
// stay (a stack trace read without the map still says which function). The maps name
// widgets/ files and lines; the sources stay out, as they would triple what a page loads.
const common = { outdir: OUT, bundle: true, minifyWhitespace: true, minifySyntax: true,
  sourcemap: "inline", sourcesContent: false, logLevel: "warning" };
// _shared.js imports _shared.css as a string (minified, like the stylesheets) and puts
// it into the page itself, once.
const cssAsText = {
  name: "css-as-text",
  setup(build) {
    build.onLoad({ filter: /\.css$/ }, async ({ path }) => {
      const css = await esbuild.transform(readFileSync(path, "utf8"),
        { loader: "css", minify: true });
      return { contents: `export default ${JSON.stringify(css.code)};`, loader: "js" };
    });
  },
};
const builds = [
  { ...common, entryPoints: entries(".js"), format: "esm", target: "es2020",
    plugins: [cssAsText] },
  { ...common, entryPoints: entries(".css") },
];

const mode = process.argv[2];
if (mode === "--watch") {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log(`watching ${relative(ROOT, SOURCES)}/ -> ${relative(ROOT, OUT)}/`);
} else if (mode === "--check") {
  const results = await Promise.all(builds.map((options) =>
    esbuild.build({ ...options, write: false })));
  const stale = results.flatMap((result) => result.outputFiles).filter((file) =>
    !existsSync(file.path) || !readFileSync(file.path).equals(Buffer.from(file.contents)));
  for (const file of stale) {
    console.error(`${relative(ROOT, file.path)} is not built from widgets/: run npm run build`);
  }
  process.exit(stale.length ? 1 : 0);
} else if (mode === undefined) {
  await Promise.all(builds.map((options) => esbuild.build(options)));
} else {
  console.error(`unknown option ${mode}: use --watch or --check`);
  process.exit(2);
}
