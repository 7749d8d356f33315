import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FuzzCase, caseArbitrary, classify, mutate, shippedScenarios } from '../../scripts/fuzz-cases.mjs';
import { nonFiniteFigures } from '../../src/run/result.js';
import { resolveScenario, runScenario } from '../../src/run/run.js';
import { ScenarioError } from '../../src/workload/errors.js';
import { checkBudget, estimateRun } from '../../src/workload/limits.js';
import { parseScenarioText } from '../../src/workload/load.js';

const SCENARIOS = shippedScenarios();

/**
 * One case as the CLI would see it, in-process: exit 2 for a ScenarioError, 0 with the result's
 * text for a run, anything else thrown is an internal error (exit 1).
 */
function outcome(c: FuzzCase): { outcome: string; detail: string } {
  const file = `fuzz/${SCENARIOS[c.scenario].name}`;
  const text = mutate(SCENARIOS[c.scenario].text, c);
  try {
    const spec = resolveScenario(parseScenarioText(text, file));
    // Runs only where they are short (a mutation may have lengthened them): the suite stays fast.
    if (!c.run || estimateRun(spec).events > 3e6) return { outcome: 'ok', detail: '' };
    checkBudget(spec, file, false);
    const result = runScenario(spec);
    const bad = nonFiniteFigures(result);
    return { outcome: classify({ code: 0, stderr: '', resultText: JSON.stringify(result), file }), detail: bad.join(', ') };
  } catch (e) {
    if (e instanceof ScenarioError) return { outcome: classify({ code: 2, stderr: e.message, file }), detail: e.message };
    return { outcome: 'internal', detail: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) };
  }
}

describe('fuzz: mutated shipped scenarios', () => {
  it('every case is a finite result or a clear exit-2 message (file, path, expected, found)', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(caseArbitrary(SCENARIOS.length, 0.05, false), (c) => {
        const o = outcome(c);
        seen.set(o.outcome, (seen.get(o.outcome) ?? 0) + 1);
        expect(['ok', 'rejected', 'over-budget'], `${o.outcome}: ${o.detail}\n${JSON.stringify(c).slice(0, 2000)}`).toContain(o.outcome);
      }),
      // A fixed seed: the suite is deterministic; scripts/fuzz.mjs explores further with others.
      { numRuns: 300, seed: 18, endOnFailure: true },
    );
    // The mutations reach both sides: accepted and rejected scenarios.
    expect(seen.get('ok') ?? 0).toBeGreaterThan(10);
    expect(seen.get('rejected') ?? 0).toBeGreaterThan(100);
  });
});
