import type { Request } from '../cluster/request.js';
import { REPLICA_FEATURES } from './replica-features.js';
import { logScale } from './scale.js';
import type { Telemetry } from './telemetry.js';

/** The request's own features and its front-end's recent arrival rate. */
const REQUEST_FEATURES = 2;

/** With load reports (cluster.loadReportEvery), how old the front-end's view is. */
const REPORT_AGE_FEATURES = 1;

export function schedulerObservationSize(replicas: number, loadReports: boolean): number {
  return replicas * REPLICA_FEATURES + REQUEST_FEATURES + (loadReports ? REPORT_AGE_FEATURES : 0);
}

/**
 * What a scheduler sees when a request arrives: the cluster view (every
 * replica's load, speed and recent latency, from writeClusterView), then the
 * request's prompt length (its output length is unknown at arrival, as in a
 * real serving system) and the arrival rate. With load reports, last the age
 * of the report the view starts from, as a fraction of the report interval:
 * how much of the view is other front-ends' traffic it cannot see yet.
 */
export function writeSchedulerObservation(
  out: Float32Array,
  clusterView: Float32Array,
  request: Request | null,
  frontend: number,
  telemetry: Telemetry,
  reportAge: number | null,
): void {
  out.set(clusterView);
  const base = clusterView.length;
  out[base] = request === null ? 0 : logScale(request.promptTokens, 1000);
  out[base + 1] = logScale(telemetry.arrivalRate(frontend), 1);
  if (reportAge !== null) out[base + REQUEST_FEATURES] = reportAge;
}
