// Builds the single-page app into dist/apps/web/public: index.html plus content-hashed
// script and style under assets/ (cached for a year by the web service). esbuild is the
// repository's bundler already; React needs nothing more than its JSX transform.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, '..', '..', 'dist', 'apps', 'web', 'public');
rmSync(out, { recursive: true, force: true });

const result = await build({
  entryPoints: [join(here, 'client', 'main.tsx')],
  outdir: join(out, 'assets'),
  entryNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((file) => `/assets/${basename(file)}`);
const script = outputs.find((file) => file.endsWith('.js'));
const styles = outputs.find((file) => file.endsWith('.css'));
if (!script || !styles)
  throw new Error(`expected one script and one stylesheet, got ${outputs.join(', ')}`);
const html = readFileSync(join(here, 'client', 'index.html'), 'utf8')
  .replace('%SCRIPT%', script)
  .replace('%STYLES%', styles);
writeFileSync(join(out, 'index.html'), html);
console.log(`web: ${script}, ${styles}`);
