import { readFileSync } from 'node:fs';
import { Scenario, type ScenarioInput, type ScenarioSpec } from '../../src/workload/schema.js';

/** A committed scenario file, parsed, with top-level and nested overrides (for short test runs). */
export function scenario(file: string, patch: (s: ScenarioInput) => void = () => {}): ScenarioSpec {
  const raw = JSON.parse(readFileSync(new URL(`../../scenarios/${file}`, import.meta.url), 'utf8')) as ScenarioInput;
  patch(raw);
  return Scenario.parse(raw);
}
