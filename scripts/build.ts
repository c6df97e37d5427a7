/**
 * `npm run build`: the packages a portal or docs page uses, all under `dist/`:
 *
 * - `dist/lib/`: ES modules with `.d.ts` types, as the `exports` map of package.json names them
 *   (`cs-active-sessions`, `cs-active-sessions/sources/emqx`, `cs-active-sessions/react`, ...);
 *   bundlers load MQTT.js (live updates), the exports and Papa Parse, the simulated fleet
 *   (`demo`) and the other optional parts from it by dynamic imports, only when used;
 * - `dist/cdn/cs-active-sessions.iife.js`: one file for a `<script>` tag, everything but what
 *   is loaded only when used, from companion files beside it (scripts/cdn.ts): MQTT.js for live
 *   updates (`cs-active-sessions.mqtt.js`), the exports with Papa Parse (`.export.js`), the
 *   simulated fleet for `demo` (`.demo.js`) and the others listed there;
 * - `dist/custom-elements.json`: the custom elements manifest, from the element's JSDoc;
 * - `dist/demo/`: a page per packaging (plain HTML with the script, an ES-module page, a React
 *   page), each running `<cs-active-sessions demo>` from the built files with no backend.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { buildCdn } from './cdn.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const run = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

for (const dir of ['lib', 'cdn', 'demo']) rmSync(join(dist, dir), { recursive: true, force: true });

console.log('ES modules and types → dist/lib');
run(bin('tsc'), ['-p', 'tsconfig.build.json']);

console.log('Single-file script and its companion files → dist/cdn');
const cdnSizes = await buildCdn(join(dist, 'cdn'));

console.log('Custom elements manifest → dist/custom-elements.json');
run(bin('cem'), [
  'analyze',
  '--litelement',
  '--globs',
  'components/cs-active-sessions/cs-active-sessions.component.ts',
  'components/cs-active-sessions/cs-active-sessions.ts',
  '--outdir',
  'dist',
  '--quiet',
]);

console.log('Demo pages → dist/demo');
const pages = join(root, 'demo', 'packages');
await build({
  configFile: false,
  logLevel: 'warn',
  root: pages,
  base: './',
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  resolve: {
    // The pages use the package as an app would, by its name: here, the files just built.
    alias: [
      {
        find: /^cs-active-sessions\/react$/,
        replacement: join(dist, 'lib', 'components', 'react', 'cs-active-sessions-react.js'),
      },
      {
        find: /^cs-active-sessions$/,
        replacement: join(dist, 'lib', 'components', 'cs-active-sessions', 'cs-active-sessions.js'),
      },
    ],
  },
  build: {
    outDir: join(dist, 'demo'),
    emptyOutDir: false,
    rollupOptions: {
      input: {
        esm: resolve(pages, 'esm.html'),
        react: resolve(pages, 'react.html'),
      },
    },
  },
});
// The plain page takes the script as it is: no build step, as on a docs page.
for (const file of ['iife.html', 'index.html'])
  copyFileSync(join(pages, file), join(dist, 'demo', file));

const sizes = Object.fromEntries(
  Object.entries(cdnSizes).map(([file, bytes]) => [`cdn/${file}`, bytes]),
);
mkdirSync(dist, { recursive: true });
writeFileSync(join(dist, 'sizes.json'), `${JSON.stringify(sizes, null, 2)}\n`);
for (const [file, bytes] of Object.entries(sizes)) {
  console.log(
    `  ${file}: ${(bytes / 1024).toFixed(1)} KB gzip (${(statSync(join(dist, file)).size / 1024).toFixed(0)} KB)`,
  );
}
