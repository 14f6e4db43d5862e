import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getBackend, version_core as tfjsVersion } from '@tensorflow/tfjs-core';
import { packageVersion, sourceRevision } from '../package-info.js';
import { writeFileAtomic } from '../storage/atomic-file.js';
import { RUN_FILE } from './run-layout.js';

/** One process's session on a run: what ran it, where, and when. */
export interface RunSession {
  /** The process's command line, as Node received it (`process.argv`). */
  argv: string[];
  /** mappo-cluster's version, and the git commit it ran from when it runs from a checkout (`modified`: tracked files differed from it). */
  package: { version: string; commit: string | null; modified: boolean | null };
  node: string;
  tfjs: string;
  /** The tensor backend the session computed on. */
  backend: string;
  platform: string;
  startedAt: string;
  /** When the session let go of the run; null while it runs, or if it died without letting go. */
  endedAt: string | null;
}

/** run.json: every session that wrote to the run directory, oldest first. */
export interface RunProvenance {
  sessions: RunSession[];
}

/**
 * Records who ran a run directory (run.json, written atomically): a session is
 * added when a process takes the run (a new run, or a resume) and closed when
 * it lets go. What reproducing a run needs beyond its scenario.json.
 */
export class ProvenanceLog {
  private constructor(
    private readonly file: string,
    private readonly provenance: RunProvenance,
  ) {}

  /** Adds this process's session to the run's run.json (created if missing: a new run, or one from before run.json existed). */
  static begin(runDir: string): ProvenanceLog {
    const file = join(runDir, RUN_FILE);
    const provenance = existsSync(file) ? readProvenance(file) : { sessions: [] };
    const revision = sourceRevision();
    provenance.sessions.push({
      argv: [...process.argv],
      package: { version: packageVersion(), commit: revision?.commit ?? null, modified: revision?.modified ?? null },
      node: process.version,
      tfjs: tfjsVersion,
      backend: getBackend(),
      platform: `${process.platform}-${process.arch}`,
      startedAt: new Date().toISOString(),
      endedAt: null,
    });
    const log = new ProvenanceLog(file, provenance);
    log.write();
    return log;
  }

  /** Closes this process's session. */
  end(): void {
    this.provenance.sessions[this.provenance.sessions.length - 1].endedAt = new Date().toISOString();
    this.write();
  }

  private write(): void {
    writeFileAtomic(this.file, `${JSON.stringify(this.provenance, null, 2)}\n`);
  }
}

/** A run's run.json; a file damaged beyond reading starts a new record rather than stopping the run. */
function readProvenance(file: string): RunProvenance {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<RunProvenance>;
    return Array.isArray(parsed.sessions) ? { sessions: parsed.sessions } : { sessions: [] };
  } catch {
    return { sessions: [] };
  }
}
