import { Command, Option } from 'commander';
import { FailedResult } from '../../errors.js';
import { exportRollout, type ExportFormat } from '../../recording/export-rollout.js';
import type { RolloutHeader } from '../../recording/rollout-records.js';
import { RolloutStream } from '../../recording/rollout-stream.js';
import { RolloutSummarizer, type RolloutSummary } from '../../recording/rollout-summary.js';
import { RolloutVerifier, type VerifyResult } from '../../recording/verify-rollout.js';
import type { CliIo } from '../io.js';
import { fixed, table, thousands } from '../table.js';

interface ReplayFlags {
  verify?: boolean;
  export?: ExportFormat;
  json?: boolean;
}

export function replayCommand(io: CliIo): Command {
  return new Command('replay')
    .description('summarize a recorded rollout; --verify re-simulates it and checks it matches exactly; --export prints it as CSV or JSON lines')
    .argument('<file>', 'a rollout file written by --record or mappo demo')
    .option('--verify', 're-simulate every recorded episode with the recorded actions and check that every decision matches')
    .addOption(new Option('--export <format>', 'print the records to stdout: csv (one row per decision) or jsonl (every record)').choices(['csv', 'jsonl']))
    .option('--json', 'print one JSON document (docs/cli.md) instead of tables')
    .action(async (path: string, flags: ReplayFlags) => {
      // Read record by record: memory stays flat whatever the file's size (README, "Rollouts on disk").
      const stream = RolloutStream.open(path);
      const verifier = flags.verify ? new RolloutVerifier(path) : null;
      if (flags.export !== undefined) {
        // A first pass checks every record (so a damaged file prints no partial export), verifies, and
        // collects the headers the CSV columns depend on; the second prints.
        const headers: RolloutHeader[] = [];
        for (const r of stream) {
          // Only a run's header may name a world module to load: the records between stay synchronous.
          if (verifier !== null && r.record.type === 'header') await verifier.prepare(r);
          verifier?.add(r);
          if (r.record.type === 'header') headers.push(r.record);
        }
        for (const w of stream.warnings) io.stderr(`warning: ${w}\n`);
        for (const line of exportRollout(stream, flags.export, headers)) io.stdout(line);
        if (verifier !== null) io.stderr(`${verificationLine(verifier.result())}\n`);
      } else {
        const summarizer = new RolloutSummarizer();
        for (const r of stream) {
          summarizer.add(r);
          if (verifier !== null && r.record.type === 'header') await verifier.prepare(r);
          verifier?.add(r);
        }
        for (const w of stream.warnings) io.stderr(`warning: ${w}\n`);
        const verification = verifier?.result() ?? null;
        const summary: RolloutSummary = { ...summarizer.summary(path, stream.truncated), verified: verification?.verified ?? null };
        io.stdout(flags.json ? `${JSON.stringify({ ...summary, divergence: verification?.divergence ?? null }, null, 2)}\n` : formatSummary(summary, verification));
      }
      if (verifier !== null && !verifier.result().verified) throw new FailedResult(1);
    });
}

function verificationLine(v: VerifyResult): string {
  return v.verified
    ? `verified: ${thousands(v.decisions)} decisions in ${episodes(v.episodes)} re-simulated exactly`
    : `NOT verified: ${v.divergence} (after ${thousands(v.decisions)} matching decisions)`;
}

function formatSummary(s: RolloutSummary, v: VerifyResult | null): string {
  const lines = [
    `${s.file}: rollout format ${s.formatVersion}, ${s.runs.length} run${s.runs.length === 1 ? '' : 's'}, scenario ${s.scenario}${s.truncated ? ' (cut off at the end)' : ''}`,
    ...s.runs.map(
      (r, i) =>
        `  run ${i + 1}: ${r.source} by ${r.policy}, seed ${r.seed}, mappo-cluster ${r.package}: ${thousands(r.decisions)} decisions, ${episodes(r.episodes, 'complete ')}`,
    ),
    `${thousands(s.decisions)} decisions, ${episodes(s.episodes, 'complete ')}; agents: ${s.agents.join(', ')}`,
    '',
  ];
  const widest = Math.max(0, ...Object.values(s.actionDistribution).map((d) => d.length));
  if (widest > 0) {
    lines.push(
      table(
        ['action distribution', ...Array.from({ length: widest }, (_, i) => String(i))],
        Object.entries(s.actionDistribution).map(([agent, d]) => [agent, ...Array.from({ length: widest }, (_, i) => (i < d.length ? fixed(d[i], 3) : ''))]),
      ),
    );
  }
  const r = s.rewards.episodeReturn;
  lines.push(`reward: ${fixed(s.rewards.perDecision, 4)} per decision; episode return ${fixed(r.mean, 2)} (std ${fixed(r.std, 2)}, ${fixed(r.min, 2)} to ${fixed(r.max, 2)}) over ${episodes(r.count)}`);
  const figures = Object.entries(s.episodeFigures);
  if (figures.length > 0) lines.push(`per episode (mean): ${figures.map(([k, x]) => `${k} ${fixed(x, 3)}`).join(', ')}`);
  if (v !== null) lines.push(verificationLine(v));
  return `${lines.join('\n')}\n`;
}

function episodes(n: number, kind = ''): string {
  return `${thousands(n)} ${kind}episode${n === 1 ? '' : 's'}`;
}
