import { join } from 'node:path';
import { APPS, defaultTag, REPO_ROOT, type AppName } from '@tools/images';
import { affectedApps } from './affected';
import type { AppSelection } from './args';
import { git, kubectl, kubectlJson } from './kube';
import {
  appRepositories,
  namesOf,
  namespaceOf,
  parseManifests,
  pinImages,
  printManifests,
  type K8sObject,
} from './manifests';
import {
  hopelessContainer,
  podWaitingReasons,
  rolloutProgress,
  toUndo,
  workloadRevisions,
  type ControllerRevisionJson,
  type PodJson,
  type WorkloadJson,
} from './rollout';
import {
  buildId,
  readAffected,
  readDeployState,
  readPushed,
  readRelease,
  writeAffected,
  writeDeployState,
  writeRelease,
  type DeployState,
} from './state';

const log = (step: string, line: string) => console.log(`[ci:${step}] ${line}`);

export async function renderOverlay(overlay: string): Promise<K8sObject[]> {
  return parseManifests(await kubectl(['kustomize', join(REPO_ROOT, 'k8s', 'overlays', overlay)]));
}

/** The apps a selection names; `affected` reads what ci:affected wrote for this build. */
export function selectedApps(selection: AppSelection): AppName[] {
  if (selection.kind === 'all') return [...APPS];
  if (selection.kind === 'list') return selection.apps;
  const affected = readAffected();
  if (!affected)
    throw new Error('--apps affected: run `npm run ci:affected -- --overlay <name>` first');
  return affected.apps;
}

/**
 * The references ci:push recorded for these apps in this registry at this tag: tag and
 * digest, so the node runs exactly the image that was pushed (and tested), whatever the tag
 * points to later.
 */
function pushedRefs(
  registry: string,
  tag: string,
  apps: AppName[],
): Partial<Record<AppName, string>> {
  const pushed = readPushed();
  const missing = apps.filter(
    (a) => pushed?.registry !== registry || pushed.tag !== tag || !pushed.images[a],
  );
  if (missing.length > 0)
    throw new Error(
      `not pushed to ${registry} at ${tag}: ${missing.join(', ')} (npm run ci:push -- --registry ${registry} --tag ${tag})`,
    );
  return pushed?.images ?? {};
}

/** ci:affected: the apps changed since the commit the overlay's environment last recorded. */
export async function affected(overlay: string, baseArg?: string): Promise<void> {
  const head = await git(['rev-parse', 'HEAD']);
  let base: string | null = baseArg ?? null;
  if (!base) {
    const namespace = namespaceOf(await renderOverlay(overlay));
    base = (await readRelease(namespace))?.commit ?? null;
    log(
      'affected',
      base ? `last deploy recorded in ${namespace}: ${base}` : `no deploy recorded in ${namespace}`,
    );
  }
  const usable =
    base !== null &&
    (await git(['cat-file', '-e', `${base}^{commit}`]).then(
      () => base,
      () => null,
    ));
  if (base && !usable)
    log('affected', `${base} is not in this clone's history: treating every app as changed`);
  const changed = usable
    ? (await git(['diff', '--name-only', usable, head])).split('\n').filter(Boolean)
    : null;
  const result = affectedApps(changed);
  for (const reason of result.reasons) log('affected', reason);
  log(
    'affected',
    `apps: ${result.apps.join(' ') || 'none'}; deploy: ${result.deploy ? 'yes' : 'no'}`,
  );
  writeAffected({ ...result, base: usable || null, head });
}

/**
 * ci:deploy: renders the overlay, sets every app to an immutable reference (the selected ones
 * to this build's tag, the others to what the environment's last recorded deploy runs),
 * applies it and records what it changed for ci:wait, ci:rollback and ci:record.
 */
export async function deploy(opts: {
  overlay: string;
  tag?: string;
  apps: AppSelection;
  registry?: string;
  dryRun: boolean;
}): Promise<void> {
  const tag = opts.tag ?? defaultTag();
  const rendered = await renderOverlay(opts.overlay);
  const namespace = namespaceOf(rendered);
  const repos = appRepositories(rendered);
  const selected = selectedApps(opts.apps);
  const pushed = opts.registry ? pushedRefs(opts.registry, tag, selected) : undefined;
  const kept = APPS.filter((a) => !selected.includes(a));
  const release = kept.length > 0 ? await readRelease(namespace) : undefined;
  const refs: Partial<Record<AppName, string>> = {};
  for (const app of APPS) {
    if (!repos[app]) throw new Error(`overlay ${opts.overlay} runs no image of ${app}`);
    if (selected.includes(app)) refs[app] = pushed?.[app] ?? `${repos[app]}:${tag}`;
    else if (release?.images[app]) refs[app] = release.images[app];
    else
      throw new Error(
        `${app} is not selected and ${namespace} has no recorded deploy of it: deploy it too (--apps all)`,
      );
  }
  const pinned = pinImages(rendered, refs);
  if (opts.dryRun) {
    // Resolved once written: the CLI exits right after, which would cut a piped render short.
    await new Promise<void>((resolve) =>
      process.stdout.write(printManifests(pinned), () => resolve()),
    );
    return;
  }
  for (const app of APPS)
    log('deploy', `${app.padEnd(8)} ${refs[app]}${selected.includes(app) ? '' : ' (kept)'}`);
  const revisionsBefore = await currentRevisions(namespace);
  const jobs = namesOf(pinned, 'Job');
  // A Job's pod template cannot change while it exists; the overlays' Jobs are repeatable setup.
  if (jobs.length > 0)
    await kubectl(['-n', namespace, 'delete', 'job', ...jobs, '--ignore-not-found']);
  const state: DeployState = {
    build: buildId(),
    overlay: opts.overlay,
    namespace,
    commit: await git(['rev-parse', 'HEAD']),
    tag,
    refs,
    revisionsBefore,
    deployments: namesOf(pinned, 'Deployment'),
    statefulSets: namesOf(pinned, 'StatefulSet'),
    jobs,
    outcome: 'applied',
  };
  // Written before the apply: a half-applied overlay must be rolled back too.
  writeDeployState(state);
  await kubectl(['apply', '-f', '-'], printManifests(pinned));
  writeDeployState({ ...state, appliedAt: Date.now() });
  log(
    'deploy',
    `applied k8s/overlays/${opts.overlay} to namespace ${namespace} (${pinned.length} objects)`,
  );
}

/** Each Deployment's and StatefulSet's revision now (`Kind/name` → revision). */
async function currentRevisions(namespace: string) {
  const [workloads, controllerRevisions] = await Promise.all([
    kubectlJson<{ items: WorkloadJson[] }>(['-n', namespace, 'get', 'deployments,statefulsets']),
    kubectlJson<{ items: ControllerRevisionJson[] }>([
      '-n',
      namespace,
      'get',
      'controllerrevisions',
    ]),
  ]);
  return workloadRevisions(workloads.items, controllerRevisions.items);
}

function currentState(overlay: string, step: string): DeployState {
  const state = readDeployState(overlay);
  if (!state || state.build !== buildId())
    throw new Error(
      `this build has not deployed ${overlay} (no ci:deploy state for build ${buildId()})`,
    );
  log(step, `namespace ${state.namespace}, commit ${state.commit.slice(0, 12)}, tag ${state.tag}`);
  return state;
}

/** Polls until every named workload rolled out; fails early on a pod that can never start. */
export async function waitFor(
  step: string,
  namespace: string,
  names: { deployments: string[]; statefulSets: string[]; jobs: string[] },
  timeoutS: number,
  since = Date.now(),
): Promise<void> {
  const deadline = Date.now() + timeoutS * 1000;
  const wanted = [
    ...names.deployments.map((n) => `Deployment/${n}`),
    ...names.statefulSets.map((n) => `StatefulSet/${n}`),
    ...names.jobs.map((n) => `Job/${n}`),
  ];
  const done = new Set<string>();
  let pending: string[] = [];
  for (;;) {
    const items = (
      await kubectlJson<{ items: WorkloadJson[] }>([
        '-n',
        namespace,
        'get',
        'deployments,statefulsets,jobs',
      ])
    ).items;
    const byKey = new Map(items.map((w) => [`${w.kind}/${w.metadata.name}`, w]));
    pending = [];
    for (const key of wanted.filter((k) => !done.has(k))) {
      const w = byKey.get(key);
      const p = w ? rolloutProgress(w) : ({ state: 'waiting', why: 'not found' } as const);
      if (p.state === 'failed') throw new Error(`${key}: ${p.why}`);
      if (p.state === 'done') {
        done.add(key);
        log(
          step,
          `${key} ready ${((Date.now() - since) / 1000).toFixed(0)} s after the ${step === 'rollback' ? 'undo' : 'apply'}`,
        );
      } else pending.push(`${key}: ${p.why}`);
    }
    if (pending.length === 0) return;
    const pods = (await kubectlJson<{ items: PodJson[] }>(['-n', namespace, 'get', 'pods'])).items;
    const hopeless = pods.map(hopelessContainer).find(Boolean);
    if (hopeless) throw new Error(`a pod cannot start: ${hopeless}`);
    if (Date.now() > deadline) {
      const reasons = pods.flatMap(podWaitingReasons);
      throw new Error(
        `not rolled out after ${timeoutS} s:\n  ${pending.join('\n  ')}${reasons.length ? `\n  waiting pods: ${reasons.join('; ')}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** ci:wait: every Deployment, StatefulSet and Job of this build's deploy has rolled out. */
export async function wait(overlay: string, timeoutS: number): Promise<void> {
  const state = currentState(overlay, 'wait');
  await waitFor('wait', state.namespace, state, timeoutS, state.appliedAt);
  log(
    'wait',
    `all ${state.deployments.length + state.statefulSets.length + state.jobs.length} workloads rolled out`,
  );
}

/**
 * ci:rollback: puts every Deployment and StatefulSet this build's deploy changed back on the
 * revision it ran before (`kubectl rollout undo --to-revision`), so image and pod template both
 * return, and waits for those rollouts. Workloads it did not change are not touched. Jobs are
 * not undone: a Job that ran cannot be un-run, and the overlays' Jobs are repeatable setup
 * (topics, generated secrets) that the earlier release works with.
 */
export async function rollback(overlay: string, timeoutS: number): Promise<void> {
  const state = readDeployState(overlay);
  if (!state || state.build !== buildId() || state.outcome !== 'applied') {
    log(
      'rollback',
      `nothing to roll back in ${overlay}: this build has no unrecorded deploy there`,
    );
    return;
  }
  const applied = [
    ...state.deployments.map((n) => `Deployment/${n}`),
    ...state.statefulSets.map((n) => `StatefulSet/${n}`),
  ];
  const { undo, created } = toUndo(
    state.revisionsBefore,
    await currentRevisions(state.namespace),
    applied,
  );
  for (const key of created) log('rollback', `${key} was created by this build: left in place`);
  const undoStart = Date.now();
  for (const u of undo) {
    await kubectl([
      '-n',
      state.namespace,
      'rollout',
      'undo',
      u.key.toLowerCase(),
      `--to-revision=${u.to}`,
    ]);
    log('rollback', `${u.key}: revision ${u.from} → back to ${u.to}`);
  }
  if (undo.length === 0) log('rollback', 'no Deployment or StatefulSet had changed');
  const named = (kind: string) =>
    undo.filter((u) => u.key.startsWith(`${kind}/`)).map((u) => u.key.slice(kind.length + 1));
  await waitFor(
    'rollback',
    state.namespace,
    { deployments: named('Deployment'), statefulSets: named('StatefulSet'), jobs: [] },
    timeoutS,
    undoStart,
  );
  writeDeployState({ ...state, outcome: 'rolled-back' });
  log('rollback', `rolled back: ${undo.map((u) => u.key).join(' ') || 'nothing'}`);
}

/** ci:record: this build's deploy passed its gates; it becomes the base of the next build. */
export async function record(overlay: string): Promise<void> {
  const state = currentState(overlay, 'record');
  if (state.outcome !== 'applied')
    throw new Error(`the deploy was ${state.outcome}: not recording it`);
  await writeRelease(state.namespace, {
    commit: state.commit,
    tag: state.tag,
    images: state.refs,
    recordedAt: new Date().toISOString(),
  });
  writeDeployState({ ...state, outcome: 'recorded' });
  log('record', `${state.namespace} now records commit ${state.commit.slice(0, 12)} as deployed`);
}
