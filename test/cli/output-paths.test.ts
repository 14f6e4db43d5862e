import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyTraining } from '../fixtures/tiny-training.js';
import { runCli } from './run-cli.js';

// An output path that cannot be what its flag asks for is refused, in one sentence and before any work,
// by every command that writes there.

const dir = mkdtempSync(join(tmpdir(), 'mappo-output-paths-'));
const notes = join(dir, 'notes.txt');
const tiny = join(dir, 'tiny.json');
const demos = join(dir, 'demos.msgpack');

beforeAll(async () => {
  writeFileSync(notes, 'not a directory\n');
  writeFileSync(tiny, JSON.stringify(tinyTraining()));
  const made = await runCli(['demo', tiny, '--policy', 'jsq', '--episodes', '1', '--requests', '20', '--out', demos]);
  expect(made.code, made.stderr).toBe(0);
});

/** Exit 1, nothing on stdout, exactly one line on stderr: `expected`; the blocking file unchanged. */
async function oneSentence(args: string[], expected: string): Promise<void> {
  const { code, stdout, stderr } = await runCli(args);
  expect(stderr).toBe(`error: ${expected}\n`);
  expect(code).toBe(1);
  expect(stdout).toBe('');
  expect(readFileSync(notes, 'utf8')).toBe('not a directory\n');
}

const below = join(notes, 'run');

describe('--out naming a file, or a path below one', () => {
  it('train', async () => {
    await oneSentence(['train', tiny, '--out', notes, '--backend', 'cpu', '--threads', '1'], `--out ${notes} is a file; give a directory`);
    await oneSentence(['train', tiny, '--out', below, '--backend', 'cpu', '--threads', '1'], `--out ${below} is below ${notes}, which is a file; give a path in a directory`);
  });

  it('bc', async () => {
    await oneSentence(['bc', tiny, '--demos', demos, '--epochs', '1', '--backend', 'cpu', '--out', notes], `--out ${notes} is a file; give a directory`);
    await oneSentence(['bc', tiny, '--demos', demos, '--epochs', '1', '--backend', 'cpu', '--out', below], `--out ${below} is below ${notes}, which is a file; give a path in a directory`);
  });

  it('ablate', async () => {
    const args = ['ablate', tiny, '--vary', 'learner.gamma=0.5', '--seeds', '1', '--updates', '1', '--workers', '1', '--backend', 'cpu', '--out'];
    await oneSentence([...args, notes], `--out ${notes} is a file; give a directory`);
    await oneSentence([...args, below], `--out ${below} is below ${notes}, which is a file; give a path in a directory`);
  });
});

describe('--record (and demo --out) below a file, or naming a directory', () => {
  const file = join(below, 'x.msgpack');
  const sentence = (flag: string): string => `${flag} ${file} is below ${notes}, which is a file; give a path in a directory`;

  it('simulate, train, eval and demo', async () => {
    await oneSentence(['simulate', 'scenarios/queueing-mm1.json', '--requests', '10', '--record', file], sentence('--record'));
    await oneSentence(['train', tiny, '--out', join(dir, 'run'), '--record', file, '--backend', 'cpu', '--threads', '1'], sentence('--record'));
    await oneSentence(['eval', join(dir, 'no-such-run'), '--record', file, '--backend', 'cpu'], sentence('--record'));
    await oneSentence(['demo', tiny, '--policy', 'jsq', '--episodes', '1', '--out', file], sentence('--out'));
    await oneSentence(['simulate', 'scenarios/queueing-mm1.json', '--requests', '10', '--record', dir], `--record ${dir} is a directory; give a file`);
  });
});
