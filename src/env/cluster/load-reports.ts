import type { EventLoop } from '../core/event-loop.js';
import { EventKind } from '../core/sim-event.js';
import type { Replica } from './replica.js';
import type { ReplicaLoad, WorkItem } from './replica-load.js';
import type { WorkPricing } from './work-pricing.js';

/** What each front-end sees of the replicas when it routes. */
export interface FrontendViews {
  /** Front-end `frontend`'s view of every replica, in replica order; read it now, as it changes with the world. */
  of(frontend: number): readonly ReplicaLoad[];
  /** How old the views are, as a fraction of the report interval: 0 just after a report, near 1 just before the next (always 0 when live). */
  age(): number;
}

/** Every front-end sees the replicas themselves, as they stand. */
export function liveViews(replicas: readonly Replica[]): FrontendViews {
  return { of: () => replicas, age: () => 0 };
}

/** One in-flight request's progress as a report or a dispatch recorded it. */
class WorkCopy implements WorkItem {
  prefillTarget = 0;
  prefilled = 0;
  generated = 0;
  outputTokens = 0;
}

/** A list of work copies whose objects are kept and reused, so reporting allocates nothing once it has grown. */
class WorkCopies {
  private readonly items: WorkCopy[] = [];
  count = 0;

  add(item: WorkItem): void {
    if (this.count === this.items.length) this.items.push(new WorkCopy());
    const copy = this.items[this.count++];
    copy.prefillTarget = item.prefillTarget;
    copy.prefilled = item.prefilled;
    copy.generated = item.generated;
    copy.outputTokens = item.outputTokens;
  }

  forEach(visit: (item: WorkItem) => void): void {
    for (let k = 0; k < this.count; k++) visit(this.items[k]);
  }
}

/** What one replica published in its last load report. */
class LoadReport {
  outstandingRequests = 0;
  queuedRequests = 0;
  kvUsage = 0;
  readonly work = new WorkCopies();
  private readonly record = (item: WorkItem): void => this.work.add(item);

  take(replica: Replica): void {
    this.outstandingRequests = replica.outstandingRequests;
    this.queuedRequests = replica.queuedRequests;
    this.kvUsage = replica.kvUsage;
    this.work.count = 0;
    replica.forEachOutstanding(this.record);
  }
}

/**
 * A replica as one front-end sees it: the replica's last report, plus the
 * requests this front-end has routed there since, counted as queued and not yet
 * started (the front-end cannot know better). Other front-ends' requests show
 * only in the next report. Whether the replica accepts requests is read live:
 * membership comes from the control plane that launches and drains replicas,
 * not from load reports, and a front-end routing to a stopped replica would be
 * a failure, not a staleness.
 */
class ReportedLoad implements ReplicaLoad {
  readonly sentSince = new WorkCopies();

  constructor(
    private readonly replica: Replica,
    private readonly report: LoadReport,
  ) {}

  get index(): number {
    return this.replica.index;
  }
  get accepting(): boolean {
    return this.replica.accepting;
  }
  get pricing(): WorkPricing {
    return this.replica.pricing;
  }
  get outstandingRequests(): number {
    return this.report.outstandingRequests + this.sentSince.count;
  }
  get queuedRequests(): number {
    return this.report.queuedRequests + this.sentSince.count;
  }
  get kvUsage(): number {
    return this.report.kvUsage;
  }
  forEachOutstanding(visit: (item: WorkItem) => void): void {
    this.report.work.forEach(visit);
    this.sentSince.forEach(visit);
  }
}

/**
 * Stale, local views of the cluster: every `every` seconds all replicas
 * publish their load at once, and between reports each front-end knows only
 * what it has itself routed. This is how front-ends of a real serving system
 * see replica load, and where load-greedy rules herd: every front-end sends
 * its traffic to the replica that looked emptiest at the last report. Reports
 * continue while `due` says the simulation still has work (see
 * ServingSimulation.periodicDue).
 */
export class LoadReports implements FrontendViews {
  private readonly reports: LoadReport[];
  /** views[frontend][replica]. */
  private readonly views: ReportedLoad[][];
  private reportedAt = 0;

  constructor(
    private readonly loop: EventLoop,
    private readonly replicas: readonly Replica[],
    frontends: number,
    private readonly every: number,
    private readonly due: (time: number) => boolean,
  ) {
    this.reports = replicas.map(() => new LoadReport());
    this.views = Array.from({ length: frontends }, () => replicas.map((r, i) => new ReportedLoad(r, this.reports[i])));
    loop.on(EventKind.RequestDispatched).subscribe((ev) => {
      const request = ev.request;
      if (request !== null) this.views[request.frontend][ev.target].sentSince.add(request);
    });
    loop.on(EventKind.LoadReport).subscribe(() => {
      this.publish();
      if (this.due(this.loop.now + this.every)) this.loop.schedule(this.every, EventKind.LoadReport, 0);
    });
    // The first report is the empty cluster at the start, before any arrival is due.
    this.publish();
    this.loop.schedule(every, EventKind.LoadReport, 0);
  }

  of(frontend: number): readonly ReplicaLoad[] {
    return this.views[frontend];
  }

  age(): number {
    return Math.min((this.loop.now - this.reportedAt) / this.every, 1);
  }

  private publish(): void {
    this.reportedAt = this.loop.now;
    for (let i = 0; i < this.replicas.length; i++) this.reports[i].take(this.replicas[i]);
    for (const view of this.views) for (const load of view) load.sentSince.count = 0;
  }
}
