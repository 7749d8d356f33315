import type { Arbitrary } from 'fast-check';

export interface FuzzCase {
  scenario: number;
  mutations: Array<Record<string, unknown>>;
  run: boolean;
}
export type Outcome = 'ok' | 'rejected' | 'over-budget' | 'unclear' | 'internal' | 'failed' | 'non-finite' | 'hang' | 'crash';

export function shippedScenarios(): Array<{ name: string; text: string }>;
export function caseArbitrary(scenarioCount: number, runShare?: number, heavy?: boolean): Arbitrary<FuzzCase>;
export function mutate(text: string, c: FuzzCase): string;
export function classify(o: { code: number | null; signal?: string | null; timedOut?: boolean; stderr: string; resultText?: string; file: string }): Outcome;
