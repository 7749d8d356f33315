#!/usr/bin/env node
// Installs the notebooks' Deno kernel for Jupyter front ends that look only in the user's kernel
// folder (VS Code, a JupyterLab installed elsewhere): the committed kernelspec
// (notebooks/kernels/deno/kernel.json) with the absolute path of this checkout's deno binary.
// `npm run jupyter` and CI need no install: they point JUPYTER_PATH at notebooks/.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const spec = JSON.parse(readFileSync(join(root, 'notebooks', 'kernels', 'deno', 'kernel.json'), 'utf8'));
spec.argv[0] = join(root, 'node_modules', '.bin', 'deno');
const base = process.env.JUPYTER_DATA_DIR ?? join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'jupyter');
const dir = join(base, 'kernels', 'deno');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'kernel.json'), `${JSON.stringify(spec, null, 2)}\n`);
console.log(`kernel "${spec.display_name}" installed in ${dir}`);
