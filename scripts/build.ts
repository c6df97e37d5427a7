/**
 * `npm run build`: the packages a portal or docs page uses, all under `dist/`:
 *
 * - `dist/lib/`: ES modules with `.d.ts` types, as the `exports` map of package.json names them
 *   (`cs-active-sessions`, `cs-active-sessions/sources/emqx`, `cs-active-sessions/react`, ...);
 *   bundlers load MQTT.js from it by a dynamic import, only for live updates;
 * - `dist/cdn/cs-active-sessions.iife.js`: one file for a `<script>` tag, everything but MQTT.js,
 *   which live updates load from `cs-active-sessions.mqtt.js` beside it;
 * - `dist/custom-elements.json`: the custom elements manifest, from the element's JSDoc;
 * - `dist/demo/`: a page per packaging (plain HTML with the script, an ES-module page, a React
 *   page), each running `<cs-active-sessions demo>` from the built files with no backend.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const run = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

for (const dir of ['lib', 'cdn', 'demo']) rmSync(join(dist, dir), { recursive: true, force: true });

console.log('ES modules and types → dist/lib');
run(bin('tsc'), ['-p', 'tsconfig.build.json']);

/** In the single file, MQTT.js comes from the companion file instead of a chunk. */
const companionMqtt: Plugin = {
  name: 'cs-companion-mqtt',
  enforce: 'pre',
  resolveId(source, importer) {
    if (
      source === './load-mqtt.js' &&
      importer?.replace(/\\/g, '/').endsWith('src/live/live-feed.ts')
    ) {
      return join(root, 'scripts', 'iife', 'load-mqtt.ts');
    }
    return null;
  },
};

console.log('Single-file script → dist/cdn');
await build({
  configFile: false,
  logLevel: 'warn',
  plugins: [companionMqtt],
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: join(dist, 'cdn'),
    emptyOutDir: true,
    minify: true,
    sourcemap: true,
    lib: {
      entry: join(root, 'components', 'cs-active-sessions', 'cs-active-sessions.ts'),
      formats: ['iife'],
      name: 'CsActiveSessions',
      fileName: () => 'cs-active-sessions.iife.js',
    },
  },
});
// MQTT.js's own browser build, an ES module with no imports of its own.
copyFileSync(
  join(root, 'node_modules', 'mqtt', 'dist', 'mqtt.esm.js'),
  join(dist, 'cdn', 'cs-active-sessions.mqtt.js'),
);
const script = readFileSync(join(dist, 'cdn', 'cs-active-sessions.iife.js'));
if (/MqttClient|mqtt\.js/i.test(script.toString()) && /connack/i.test(script.toString())) {
  throw new Error('MQTT.js ended up inside the single-file script');
}

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

const gz = (file: string) => gzipSync(readFileSync(file)).length;
const sizes = {
  'cdn/cs-active-sessions.iife.js': gz(join(dist, 'cdn', 'cs-active-sessions.iife.js')),
  'cdn/cs-active-sessions.mqtt.js': gz(join(dist, 'cdn', 'cs-active-sessions.mqtt.js')),
};
mkdirSync(dist, { recursive: true });
writeFileSync(join(dist, 'sizes.json'), `${JSON.stringify(sizes, null, 2)}\n`);
for (const [file, bytes] of Object.entries(sizes)) {
  console.log(
    `  ${file}: ${(bytes / 1024).toFixed(1)} KB gzip (${(statSync(join(dist, file)).size / 1024).toFixed(0)} KB)`,
  );
}
