/**
 * A second process for the run-lock tests: takes the lock of the run directory
 * in argv[2], says "locked" on stdout, then per argv[3] holds it until killed
 * ("hold"), leaves by process.exit (as the second Ctrl-C does: "exit"), or dies of
 * an uncaught error ("throw").
 */
import { RunLock } from '../../src/training/run-lock.js';

const [runDir, mode] = process.argv.slice(2);
RunLock.acquire(runDir);
process.stdout.write('locked\n');
if (mode === 'exit') process.exit(130);
if (mode === 'throw') throw new Error('a bug');
setInterval(() => {}, 1 << 30);
