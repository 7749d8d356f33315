#!/usr/bin/env node
import { availableParallelism } from 'node:os';
import { prestartWorkers } from '../sweep/worker-pool.js';
import { workersToPrestart } from './prestart.js';

/**
 * The CLI entry. Worker threads for replications and sweep points are started first, so that
 * they load the simulator while this thread loads it and validates the scenario; then the CLI
 * itself is loaded (cli/app.ts). A worker started later began its first replication 0.45 s after
 * this thread began its own (docs/PERFORMANCE.md).
 */
const argv = process.argv.slice(2);
prestartWorkers(workersToPrestart(argv, availableParallelism()));
const { main, report } = await import('./app.js');
main(argv).catch(report);
