import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { FONT } from './vega-specs.js';

/**
 * Renders vega-lite specs without a browser or native build: vega's headless SVG renderer
 * (renderer 'none' + toSVG), resvg (a prebuilt binary from npm) for PNG, and a self-contained
 * HTML page with the vega bundles inlined. vega and vega-lite are ESM with top-level await, so
 * they are loaded by dynamic import: `sim run` without --plot does not pay for them.
 */

const require = createRequire(import.meta.url);

/** A package's folder: resolving its entry then walking up (vega's exports hide package.json). */
function packageDir(name: string): string {
  let dir = dirname(require.resolve(name));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj) && (JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === name) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the folder of package ${name}`);
    dir = up;
  }
}

/** Warnings of the last compile/render, for tests: a chart should produce none. */
export const lastWarnings: string[] = [];

/**
 * Renders to SVG. vega and vega-lite log warnings to the console, which notebooks would show as
 * stderr (and CI treats stderr as failure): they are collected in lastWarnings instead.
 */
export async function toSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  lastWarnings.length = 0;
  const logger = vega.logger(vega.Warn, undefined, (_method, _level, args) => {
    lastWarnings.push(args.map(String).join(' '));
  });
  const view = new vega.View(vega.parse(vl.compile(spec, { logger }).spec), { renderer: 'none', logger });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

let fontFiles: string[] | undefined;

/** DejaVu Sans from npm (dejavu-fonts-ttf), so text looks the same on every machine. */
function fonts(): string[] {
  if (fontFiles === undefined) {
    const dir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    fontFiles = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf'].map((f) => join(dir, f));
  }
  return fontFiles;
}

/** SVG to PNG at `scale` times the SVG's size (2: sharp on high-density screens and in READMEs). */
export async function svgToPng(svg: string, scale = 2): Promise<Uint8Array> {
  const { Resvg } = await import('@resvg/resvg-js');
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    // No system fonts: the same output everywhere. sans-serif must be named, or resvg falls back to a serif.
    font: { loadSystemFonts: false, fontFiles: fonts(), defaultFontFamily: FONT, sansSerifFamily: FONT },
  });
  return r.render().asPng();
}

export async function toPng(spec: TopLevelSpec, scale = 2): Promise<Uint8Array> {
  return svgToPng(await toSvg(spec), scale);
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.length < 24 || sig.some((b, i) => png[i] !== b)) throw new Error('not a PNG');
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: dv.getUint32(16), height: dv.getUint32(20) };
}

/** A library bundle's text, safe inside a <script> element. */
function script(pkg: string, file: string): string {
  return readFileSync(join(packageDir(pkg), file), 'utf8').replace(/<\/script/gi, '<\\/script');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

/**
 * One HTML file that shows the charts offline: vega, vega-lite and vega-embed inlined (about
 * 830 KB), the specs as JSON. When all have rendered, body gets data-rendered="ok" (for checks
 * with a headless browser).
 */
export function toHtml(charts: ReadonlyArray<{ title: string; spec: TopLevelSpec }>, pageTitle = 'tpsim charts'): string {
  const specs = JSON.stringify(charts.map((c) => c.spec)).replace(/</g, '\\u003c');
  const divs = charts.map((c, i) => `<figure><div id="chart${i}" aria-label="${escapeHtml(c.title)}"></div></figure>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(pageTitle)}</title>
<style>body{font-family:"DejaVu Sans",Verdana,sans-serif;margin:24px;color:#222}figure{margin:0 0 32px}</style>
<script>${script('vega', 'build/vega.min.js')}</script>
<script>${script('vega-lite', 'build/vega-lite.min.js')}</script>
<script>${script('vega-embed', 'build/vega-embed.min.js')}</script>
</head><body>
<h1 style="font-size:18px">${escapeHtml(pageTitle)}</h1>
${divs}
<script id="tpsim-specs" type="application/json">${specs}</script>
<script>
const specs = JSON.parse(document.getElementById('tpsim-specs').textContent);
Promise.all(specs.map((s, i) => vegaEmbed('#chart' + i, s, { renderer: 'svg', actions: false })))
  .then(() => { document.body.dataset.rendered = 'ok'; })
  .catch((e) => { document.body.dataset.rendered = 'error'; document.body.append(String(e)); });
</script>
</body></html>
`;
}
