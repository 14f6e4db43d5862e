import { loadAnyScenario, isWorldScenario } from 'mappo-cluster';
import world, { SharedLink, type SharedLinkOptions } from './shared-link.js';

// Fixed sending rules on the seeds `mappo eval` uses by default (1 to 5), to judge a trained run against.
const scenario = loadAnyScenario('world.json');
if (!isWorldScenario(scenario)) throw new Error('world.json should name the shared-link world');
const options = world.options?.(scenario.world.options) as SharedLinkOptions;
const rules: Record<string, (backlog: number, sender: number) => number> = {
  'send everything': () => 3,
  'send at most 1': () => 1,
  'fixed split 2, 1, 1': (_, sender) => (sender === 0 ? 2 : 1),
};
for (const [name, rule] of Object.entries(rules)) {
  let reward = 0;
  let goodput = 0;
  for (let seed = 1; seed <= 5; seed++) {
    const env = new SharedLink(options);
    let out = env.reset(seed);
    while (out.ended === null) {
      for (const d of out.decisions) reward += d.reward;
      out = env.step(out.decisions.map((d) => rule(Math.round(d.obs[0] * 10), d.agent)));
    }
    for (const f of out.final) reward += f.reward;
    goodput += env.summary().goodput;
  }
  console.log(`${name}: episode reward ${(reward / 5).toFixed(1)}, goodput ${(goodput / 5).toFixed(3)} packets/step`);
}
