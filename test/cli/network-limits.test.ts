import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_GRU_UNITS, MAX_HIDDEN_LAYERS, MAX_HIDDEN_WIDTH } from '../../src/scenario/limits.js';
import { networksSchema } from '../../src/scenario/networks-schema.js';
import type { Scenario } from '../../src/scenario/scenario-schema.js';
import { tinyTraining } from '../fixtures/tiny-training.js';
import { runCli } from './run-cli.js';

// Networks too large to allocate are refused by the scenario schema, by name, before anything is built
// (an actor of [100000, 100000] used to die allocating its first layer: "Invalid typed array length").

const dir = mkdtempSync(join(tmpdir(), 'mappo-network-limits-'));

function scenarioWith(name: string, networks: Record<string, unknown>): string {
  const s = tinyTraining() as Scenario & { agents: { networks: unknown } };
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ ...s, agents: { ...s.agents, networks: { ...(s.agents.networks as object), ...networks } } }));
  return file;
}

async function refused(file: string, expected: string): Promise<void> {
  const { code, stdout, stderr } = await runCli(['train', file, '--out', join(dir, 'run'), '--backend', 'cpu', '--threads', '1']);
  expect(stderr).toBe(`error: ${file}: ${expected}\n`);
  expect(code).toBe(1);
  expect(stdout).toBe('');
}

describe('network size limits', () => {
  it('an actor of [100000, 100000] is refused in one sentence naming the field', async () => {
    await refused(scenarioWith('wide', { actor: { hidden: [100000, 100000] } }), `agents.networks.actor.hidden[0] must be a positive integer up to 2,048, got 100000`);
  });

  it('too many layers, or too many GRU units, likewise', async () => {
    await refused(scenarioWith('deep', { critic: { hidden: Array(MAX_HIDDEN_LAYERS + 1).fill(8) } }), `agents.networks.critic.hidden must be a list of at most ${MAX_HIDDEN_LAYERS} layer sizes, got [${Array(MAX_HIDDEN_LAYERS + 1).fill(8).join(',')}]`);
    await refused(scenarioWith('gru', { actor: { gru: MAX_GRU_UNITS + 1 } }), `agents.networks.actor.gru must be a non-negative integer up to 1,024, got ${MAX_GRU_UNITS + 1}`);
  });

  it('the limits themselves are accepted', () => {
    const parsed = networksSchema.parse({ actor: { hidden: Array(MAX_HIDDEN_LAYERS).fill(MAX_HIDDEN_WIDTH), gru: MAX_GRU_UNITS } });
    expect(parsed.actor.hidden).toHaveLength(MAX_HIDDEN_LAYERS);
    expect(networksSchema.safeParse({ actor: { hidden: [MAX_HIDDEN_WIDTH + 1] } }).success).toBe(false);
  });
});
