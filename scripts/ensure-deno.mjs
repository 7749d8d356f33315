#!/usr/bin/env node
// Installs the notebooks' kernel runtime (Deno, from npm) into node_modules when it is missing.
// It is not a devDependency because the deno package lists a prebuilt binary for every
// platform as an optional dependency, and `npm ci` refuses a lock file that lacks any of them,
// even those a registry mirror does not carry. `npm test` does not need it; notebooks do.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DENO_VERSION = '2.9.6';
const root = resolve(new URL('..', import.meta.url).pathname);
const bin = join(root, 'node_modules', '.bin', 'deno');

if (!existsSync(bin)) {
  process.stdout.write(`installing deno@${DENO_VERSION} (the notebooks' kernel) into node_modules\n`);
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', `deno@${DENO_VERSION}`], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}
const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).split('\n')[0];
process.stdout.write(`kernel runtime: ${version}\n`);
