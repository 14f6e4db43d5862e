import { evaluate, loadAnyScenario, train } from 'mappo-cluster';

// The same scenario file the command line trains (`npx mappo train world.json`).
const scenario = loadAnyScenario('world.json');
// `npm start -- --updates N` trains fewer (or more) updates than the scenario says.
const flag = process.argv.indexOf('--updates');
const updates = flag > 0 ? Number(process.argv[flag + 1]) : undefined;

const run = await train(updates === undefined ? scenario : { ...scenario, learner: { ...scenario.learner, updates } }, {
  runDir: 'runs/shared-link-api',
  onUpdate: (m, total) => {
    if (m.update % 10 === 0 || m.update === total) console.log(`update ${m.update}/${total}: reward per decision ${m['reward/perDecision'].toFixed(3)}`);
  },
});
console.log(`trained ${run.updates} updates in ${run.wallSeconds.toFixed(1)} s; run directory ${run.runDir}`);

const result = await evaluate(run.runDir, { episodes: 5 });
if (result.kind === 'world') {
  for (const [figure, { mean, ci95 }] of Object.entries(result.summary)) console.log(`${figure}: ${mean.toFixed(3)} ± ${ci95.toFixed(3)}`);
}
