import { z } from 'zod';
import { Dist, Positive, WaitSpec } from './common.js';

/** Clients, transaction templates and statements: what the server is asked to do. */
export const StatementSpec = z.strictObject({
  name: z.string().min(1),
  count: z.number().int().min(1).default(1),
  /** CPU demand of one execution, as if it had a core to itself. */
  cpu: Dist,
  waits: z.array(WaitSpec).max(8).default([]),
});

export const BoundarySpec = z.strictObject({ cpu: Dist, waits: z.array(WaitSpec).max(8).default([]) });

export const TransactionSpec = z.strictObject({
  name: z.string().min(1),
  weight: Positive.default(1),
  /** explicit: BEGIN; statements; COMMIT (statements after BEGIN see an active transaction). */
  type: z.enum(['explicit', 'autocommit']).default('explicit'),
  begin: BoundarySpec.default({ cpu: '6us', waits: [] }),
  commit: BoundarySpec.default({ cpu: '11us', waits: [] }),
  statements: z.array(StatementSpec).min(1),
});

export const ClosedClient = z.strictObject({
  model: z.literal('closed'),
  /** Client-side time between the end of one transaction and the start of the next. */
  think: Dist.default('0us'),
  /** Client-side time between statements of one transaction (application work). */
  gap: Dist.default('0us'),
});

export const Workload = z.strictObject({
  connections: z.number().int().min(1).max(1_000_000),
  client: ClosedClient.default({ model: 'closed', think: '0us', gap: '0us' }),
  network: z.strictObject({ rtt: Dist.default('30us') }).default({ rtt: '30us' }),
  transactions: z.array(TransactionSpec).min(1),
});

export type WorkloadSpec = z.output<typeof Workload>;
export type TransactionSpecT = z.output<typeof TransactionSpec>;
export type StatementSpecT = z.output<typeof StatementSpec>;
