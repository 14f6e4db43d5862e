// `npm start`: train MAPPO briefly on the default scenario, then put the trained
// scheduler beside every heuristic on the same seeds. Each start gets its own
// run directory, so running it again never collides with an earlier run.
import process from 'node:process';
import { main } from '../dist/src/cli/main.js';

const runDir = `runs/start-${new Date().toISOString().replace(/[:.]/g, '-')}`;
const trained = await main(['train', 'scenarios/default.json', '--out', runDir]);
if (trained !== 0) process.exit(trained);
process.exitCode = await main(['compare', 'scenarios/default.json', '--checkpoint', runDir]);
