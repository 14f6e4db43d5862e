/**
 * `npm run bench:stale-views [-- --json] [-- --seeds 3]`: what stale load
 * reports cost each routing heuristic, on scenarios/multi-frontend-stale.json
 * and the same with the cluster and the load doubled, at report intervals from
 * live load to 20 s. No training: it measures how much room the heuristics
 * leave a learned scheduler on stale views. Writes docs/multi-agent/stale-views.md.
 */
import { availableParallelism } from 'node:os';
import { produce } from 'immer';
import { compareHeuristics, type PolicySummary } from '../src/evaluation/compare-policies.js';
import type { HeuristicName } from '../src/env/routing/registry.js';
import { loadScenario } from '../src/scenario/load.js';
import type { Scenario } from '../src/scenario/scenario-schema.js';
import type { Figure } from './harness.js';
import { publish, studyArgs } from './training-study.js';

const SCENARIO = 'scenarios/multi-frontend-stale.json';
const REPORT = 'docs/multi-agent/stale-views.md';
/** Seconds between load reports; 0 is live load. */
const INTERVALS = [0, 2, 5, 10, 20];
/** The load-aware heuristics (random and round-robin ignore load, so staleness cannot touch them). */
const HEURISTICS: HeuristicName[] = ['lor', 'jsq', 'p2c', 'sed', 'least-work', 'size-interval'];
/** multi-frontend-stale's goal: p99 at most this times the best heuristic's on the same views. */
const P99_GOAL = 0.85;

const { json, evalSeeds, progress } = studyArgs(process.argv.slice(2), { evalSeeds: 3 });
const base = loadScenario(SCENARIO);

/** The scenario with every replica group `times` as large and each front-end's arrivals `times` as fast. */
const scaled = (s: Scenario, times: number): Scenario =>
  produce(s, (d) => {
    for (const g of d.cluster.replicas) g.count *= times;
    const arrivals = d.workload.arrivals;
    if (arrivals.kind === 'trace') arrivals.timeScale /= times;
    else arrivals.rate *= times;
  });
const everyInterval = (s: Scenario, every: number): Scenario =>
  produce(s, (d) => {
    if (every === 0) delete d.cluster.loadReportEvery;
    else d.cluster.loadReportEvery = every;
  });

const clusters = [
  { name: 'as shipped (2 fast + 2 slow, 3 req/s per front-end)', key: 'shipped', scenario: base },
  { name: 'doubled (4 fast + 4 slow, 6 req/s per front-end)', key: 'doubled', scenario: scaled(base, 2) },
];

const sections: string[] = [];
const figures: Figure[] = [];
for (const c of clusters) {
  const p99 = new Map<string, PolicySummary[]>();
  for (const every of INTERVALS) {
    progress(`${c.key}: reports every ${every} s`);
    const summary = compareHeuristics(everyInterval(c.scenario, every), evalSeeds, undefined, HEURISTICS).summary;
    for (const h of HEURISTICS) p99.set(h, [...(p99.get(h) ?? []), summary.find((s) => s.policy === h) as PolicySummary]);
  }
  const bestAt = INTERVALS.map((_, k) => Math.min(...HEURISTICS.map((h) => (p99.get(h) as PolicySummary[])[k].e2eP99.mean)));
  const liveBest = bestAt[0];
  sections.push(
    `## ${c.name}`,
    '',
    `| heuristic | ${INTERVALS.map((e) => (e === 0 ? 'live load' : `every ${e} s`)).join(' | ')} |`,
    `|---|${INTERVALS.map(() => '---|').join('')}`,
    ...HEURISTICS.map((h) => `| ${h} | ${(p99.get(h) as PolicySummary[]).map((s, k) => (s.e2eP99.mean === bestAt[k] ? `**${s.e2eP99.mean.toFixed(1)}**` : s.e2eP99.mean.toFixed(1))).join(' | ')} |`),
    `| ${P99_GOAL}x the best | ${bestAt.map((b) => (P99_GOAL * b).toFixed(1)).join(' | ')} |`,
    '',
    `With reports every 10 s or more, ${P99_GOAL} times the best heuristic's p99 is ${INTERVALS.filter((e) => e >= 10)
      .map((e) => `${((P99_GOAL * bestAt[INTERVALS.indexOf(e)]) / liveBest).toFixed(2)}x (every ${e} s)`)
      .join(' and ')} the best heuristic's p99 with live load.`,
    '',
  );
  INTERVALS.forEach((e, k) => figures.push({ name: `stale-views.${c.key}.every${e}.bestP99`, value: bestAt[k], unit: 's' }));
}

const report = [
  '# What stale load reports cost the routing heuristics',
  '',
  `Measured by \`npm run bench:stale-views\` on ${availableParallelism()} cores: p99 end-to-end latency (s) of each load-aware heuristic on \`${SCENARIO}\` (four front-ends, each routing on the last load report plus what it sent itself since), at report intervals from live load to 20 s, mean of evaluation seeds ${evalSeeds.join(', ')}; the best at each interval in bold. The last row is the goal set for a learned scheduler there: at most ${P99_GOAL} times the best heuristic on the same views.`,
  '',
  ...sections,
].join('\n');
publish(REPORT, report, figures, json);
