/**
 * The single-file script and its companion files, as `npm run build` makes them in `dist/cdn/` (and
 * the benchmark elsewhere, to count their sizes):
 *
 * - `cs-active-sessions.iife.js`: the element for a `<script>` tag, without the optional parts
 *   below, each loaded from its companion file beside the script (found from the script's own URL)
 *   only when used;
 * - `cs-active-sessions.mqtt.js`: MQTT.js, for live updates;
 * - `cs-active-sessions.export.js`: the exports (CSV and JSON), with Papa Parse, for the first
 *   export;
 * - `cs-active-sessions.demo.js`: the simulated fleet (`demo`);
 * - `cs-active-sessions.rabbitmq.js`, `cs-active-sessions.hivemq.js`: the RabbitMQ and HiveMQ
 *   sources, for workspaces of those brokers;
 * - `cs-active-sessions.alerts.js`: the evaluation of alert rules, once there are rules;
 * - `cs-active-sessions.ip.js`: IP and CIDR matching (ipaddr.js), for the IP filter.
 *
 * The script's CSS (the `css` templates) is minified too (scripts/minify-css.ts), and the
 * indentation of its `html` templates goes (scripts/minify-html.ts).
 *
 * In the script, each loader module of src/ (`import('mqtt')`, ...) is swapped for its counterpart
 * in scripts/iife/, which imports the companion file instead. A check fails the build if a part
 * ended up inside the script after all.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { basename, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'vite';
import { minifyCssPlugin } from './minify-css.js';
import { minifyHtmlPlugin } from './minify-html.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = (...path: string[]) => normalize(join(root, ...path));
const iife = (file: string) => src('scripts', 'iife', file);

export const SCRIPT = 'cs-active-sessions.iife.js';
export const COMPANIONS = {
  mqtt: 'cs-active-sessions.mqtt.js',
  export: 'cs-active-sessions.export.js',
  demo: 'cs-active-sessions.demo.js',
  rabbitmq: 'cs-active-sessions.rabbitmq.js',
  hivemq: 'cs-active-sessions.hivemq.js',
  alerts: 'cs-active-sessions.alerts.js',
  ip: 'cs-active-sessions.ip.js',
} as const;

/** Resolves imports of module `from` (an absolute path, whoever imports it) to module `to`. */
function swap(name: string, from: string, to: string): Plugin {
  const file = basename(from, '.ts');
  return {
    name,
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!importer || !source.includes(file)) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved && normalize(resolved.id) === from ? to : null;
    },
  };
}

const define = { 'process.env.NODE_ENV': JSON.stringify('production') };

/** One companion file: an ES module with no imports of its own. */
async function buildCompanion(
  outDir: string,
  entry: string,
  fileName: string,
  sourcemap: boolean,
  plugins: Plugin[] = [],
): Promise<void> {
  await build({
    configFile: false,
    logLevel: 'warn',
    plugins,
    define,
    build: {
      outDir,
      emptyOutDir: false,
      minify: true,
      sourcemap,
      lib: { entry, formats: ['es'], fileName: () => fileName },
      // A file for the browser, not for another bundler: minified like the script itself.
      rolldownOptions: { output: { minify: true, comments: { annotation: false } } },
    },
  });
}

/**
 * Builds the script and its companions into `outDir` (emptied first) and checks that each optional
 * part is in its companion, not in the script. Returns each file's gzip size in bytes by name.
 */
export async function buildCdn(
  outDir: string,
  { sourcemap = true }: { sourcemap?: boolean } = {},
): Promise<Record<string, number>> {
  await build({
    configFile: false,
    logLevel: 'warn',
    plugins: [
      minifyCssPlugin(),
      minifyHtmlPlugin(),
      swap('cs-companion-mqtt', src('src', 'live', 'load-mqtt.ts'), iife('load-mqtt.ts')),
      swap('cs-companion-export', src('src', 'export', 'load-export.ts'), iife('load-export.ts')),
      swap('cs-companion-demo', src('src', 'sources', 'load-demo.ts'), iife('load-demo.ts')),
      swap(
        'cs-companion-brokers',
        src('src', 'sources', 'load-brokers.ts'),
        iife('load-brokers.ts'),
      ),
      swap('cs-companion-alerts', src('src', 'alerts', 'load-rules.ts'), iife('load-rules.ts')),
      swap('cs-companion-ip', src('src', 'model', 'load-ip-match.ts'), iife('load-ip-match.ts')),
    ],
    define,
    build: {
      outDir,
      emptyOutDir: true,
      minify: true,
      sourcemap,
      lib: {
        entry: join(root, 'components', 'cs-active-sessions', 'cs-active-sessions.ts'),
        formats: ['iife'],
        name: 'CsActiveSessions',
        fileName: () => SCRIPT,
      },
    },
  });
  // MQTT.js's own browser build, an ES module with no imports of its own.
  copyFileSync(
    join(root, 'node_modules', 'mqtt', 'dist', 'mqtt.esm.js'),
    join(outDir, COMPANIONS.mqtt),
  );
  await buildCompanion(outDir, iife('export-entry.ts'), COMPANIONS.export, sourcemap, [
    swap(
      'cs-papaparse-inside',
      src('src', 'export', 'load-papaparse.ts'),
      iife('papaparse-inside.ts'),
    ),
  ]);
  await buildCompanion(outDir, iife('alerts-entry.ts'), COMPANIONS.alerts, sourcemap);
  await buildCompanion(outDir, iife('ip-entry.ts'), COMPANIONS.ip, sourcemap);
  // The errors of the companions' sources must be the script's own `SourceError`: each gets it
  // from there.
  const sourceCompanions = [
    ['demo-entry.ts', COMPANIONS.demo],
    ['rabbitmq-entry.ts', COMPANIONS.rabbitmq],
    ['hivemq-entry.ts', COMPANIONS.hivemq],
  ] as const;
  for (const [entry, file] of sourceCompanions) {
    await buildCompanion(outDir, iife(entry), file, sourcemap, [
      swap('cs-source-shared', src('src', 'sources', 'source.ts'), iife('source-shared.ts')),
    ]);
  }

  const text = (file: string) => readFileSync(join(outDir, file), 'utf8');
  const script = text(SCRIPT);
  const exporter = text(COMPANIONS.export);
  if (/MqttClient|mqtt\.js/i.test(script) && /connack/i.test(script)) {
    throw new Error('MQTT.js ended up inside the single-file script');
  }
  // Papa Parse's delimiter guessing (`unparse` needs none of the element's code), and a column
  // found only in export.ts.
  if (!exporter.includes('UndetectableDelimiter') || script.includes('UndetectableDelimiter')) {
    throw new Error('Papa Parse is not in the export companion only');
  }
  if (!exporter.includes('unclearId') || script.includes('unclearId')) {
    throw new Error('The exports are not in their companion file only');
  }
  // The state the evaluation of alert rules keeps (rules.ts).
  const alerts = text(COMPANIONS.alerts);
  if (!alerts.includes('learningSince') || script.includes('learningSince')) {
    throw new Error('The evaluation of alert rules is not in its companion file only');
  }
  // ipaddr.js, in the IP companion and the alerts one (rules with allowed networks).
  for (const file of [COMPANIONS.ip, COMPANIONS.alerts]) {
    if (!text(file).includes('isIPv4MappedAddress') || script.includes('isIPv4MappedAddress')) {
      throw new Error(`ipaddr.js is not in ${file} only`);
    }
  }
  // Strings found only in demo.ts (the simulated cluster's node names), rabbitmq.ts and hivemq.ts.
  const markers = [
    [COMPANIONS.demo, 'emqx@10.0.1.11', 'The simulated fleet (DemoSource)'],
    [COMPANIONS.rabbitmq, 'columns=name,vhost,messages', 'The RabbitMQ source'],
    [COMPANIONS.hivemq, '/mqtt/clients?', 'The HiveMQ source'],
  ] as const;
  for (const [file, marker, what] of markers) {
    const companion = text(file);
    if (!companion.includes(marker) || script.includes(marker)) {
      throw new Error(`${what} is not in its companion file only`);
    }
    // A copy of the class would break the element's `instanceof SourceError` checks.
    if (/["'`]SourceError["'`]/.test(companion)) {
      throw new Error(`${file} carries its own SourceError`);
    }
  }

  const sizes: Record<string, number> = {};
  for (const file of [SCRIPT, ...Object.values(COMPANIONS)]) {
    sizes[file] = gzipSync(readFileSync(join(outDir, file))).length;
  }
  return sizes;
}
