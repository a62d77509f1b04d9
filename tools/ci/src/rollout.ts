/** The parts of `kubectl get … -o json` the wait step reads. */
export interface WorkloadJson {
  kind: string;
  metadata: { name: string; generation?: number; annotations?: Record<string, string> };
  spec?: { replicas?: number; suspend?: boolean };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    succeeded?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

export interface PodJson {
  metadata: { name: string; labels?: Record<string, string>; ownerReferences?: { name: string }[] };
  status?: {
    initContainerStatuses?: ContainerStatus[];
    containerStatuses?: ContainerStatus[];
  };
}

interface ContainerStatus {
  name: string;
  image: string;
  state?: { waiting?: { reason?: string; message?: string } };
}

export type Progress =
  { state: 'done' } | { state: 'waiting'; why: string } | { state: 'failed'; why: string };

/**
 * Whether a workload finished rolling out. A Deployment is done when the controller has seen
 * the latest spec and every replica is updated and available with no old one left; failed
 * when it passed its progress deadline. A StatefulSet is done when all replicas are ready at
 * the update revision; a Job when it completed (or is suspended: nothing to wait for).
 */
export function rolloutProgress(w: WorkloadJson): Progress {
  const s = w.status ?? {};
  const want = w.spec?.replicas ?? 1;
  const cond = (type: string) => s.conditions?.find((c) => c.type === type);
  switch (w.kind) {
    case 'Deployment': {
      const progressing = cond('Progressing');
      if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded')
        return {
          state: 'failed',
          why: `progress deadline exceeded: ${progressing.message ?? ''}`.trim(),
        };
      if ((s.observedGeneration ?? 0) < (w.metadata.generation ?? 0))
        return { state: 'waiting', why: 'the controller has not seen the new spec yet' };
      const updated = s.updatedReplicas ?? 0;
      const total = s.replicas ?? 0;
      const available = s.availableReplicas ?? 0;
      if (updated < want)
        return { state: 'waiting', why: `${updated} of ${want} replicas updated` };
      if (total > updated)
        return { state: 'waiting', why: `${total - updated} old replicas still running` };
      if (available < updated)
        return { state: 'waiting', why: `${available} of ${updated} updated replicas available` };
      return { state: 'done' };
    }
    case 'StatefulSet': {
      const ready = s.readyReplicas ?? 0;
      if (s.updateRevision && s.currentRevision !== s.updateRevision)
        return { state: 'waiting', why: `rolling to ${s.updateRevision}` };
      if (ready < want) return { state: 'waiting', why: `${ready} of ${want} replicas ready` };
      return { state: 'done' };
    }
    case 'Job': {
      // A suspended Job (the demo's load generator) runs only when someone resumes it.
      if (w.spec?.suspend) return { state: 'done' };
      if (cond('Failed')?.status === 'True')
        return { state: 'failed', why: `job failed: ${cond('Failed')?.reason ?? ''}`.trim() };
      if (cond('Complete')?.status === 'True') return { state: 'done' };
      return { state: 'waiting', why: 'not complete yet' };
    }
    default:
      return { state: 'done' };
  }
}

/**
 * Reasons a container can never start by waiting longer: the image is not there or not valid.
 * Not CreateContainerConfigError: a Secret the pod needs may still be on its way (the
 * secret-generator Job of the same apply writes them); the timeout names it if it stays.
 */
const HOPELESS = new Set([
  'ErrImageNeverPull',
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
]);

/** A pod's container that cannot start however long one waits, as one line, or undefined. */
export function hopelessContainer(pod: PodJson): string | undefined {
  const statuses = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  for (const c of statuses) {
    const reason = c.state?.waiting?.reason;
    if (reason && HOPELESS.has(reason))
      return `pod ${pod.metadata.name} ${c.name} (${c.image}): ${reason}`;
  }
  return undefined;
}

/** Why a pod is not ready, for the failure report: each waiting container's reason. */
export function podWaitingReasons(pod: PodJson): string[] {
  const statuses = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  return statuses
    .filter((c) => c.state?.waiting?.reason)
    .map((c) => `${pod.metadata.name} ${c.name}: ${c.state?.waiting?.reason}`);
}

export interface ControllerRevisionJson {
  metadata: { name: string; ownerReferences?: { kind: string; name: string }[] };
  revision: number;
}

/**
 * The revision a workload runs, for `kubectl rollout undo --to-revision`: a Deployment's
 * revision annotation; a StatefulSet's update revision (a ControllerRevision's name, which
 * stays the same for the same pod template) with that ControllerRevision's number.
 */
export function workloadRevisions(
  workloads: WorkloadJson[],
  controllerRevisions: ControllerRevisionJson[],
): Record<string, { id: string; revision: string }> {
  const numbers = new Map(controllerRevisions.map((r) => [r.metadata.name, String(r.revision)]));
  const out: Record<string, { id: string; revision: string }> = {};
  for (const w of workloads) {
    const key = `${w.kind}/${w.metadata.name}`;
    if (w.kind === 'Deployment') {
      const rev = w.metadata.annotations?.['deployment.kubernetes.io/revision'];
      if (rev) out[key] = { id: rev, revision: rev };
    } else if (w.kind === 'StatefulSet') {
      const name = w.status?.updateRevision;
      const rev = name ? numbers.get(name) : undefined;
      if (name && rev) out[key] = { id: name, revision: rev };
    }
  }
  return out;
}

/** What a rollback undoes: each workload whose revision changed since before the apply. */
export function toUndo(
  before: Record<string, { id: string; revision: string }>,
  now: Record<string, { id: string; revision: string }>,
  applied: string[],
): { undo: { key: string; from: string; to: string }[]; created: string[] } {
  const undo: { key: string; from: string; to: string }[] = [];
  const created: string[] = [];
  for (const key of applied) {
    const b = before[key];
    if (!b) created.push(key);
    else if (now[key] && now[key].id !== b.id)
      undo.push({ key, from: now[key].revision, to: b.revision });
  }
  return { undo, created };
}
