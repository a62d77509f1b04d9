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
  type PodJson,
  type WorkloadJson,
} from './rollout';
import {
  buildId,
  readAffected,
  readDeployState,
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
  // The images the overlay names, or the same names in the registry ci:push pushed to.
  if (opts.registry) for (const app of APPS) repos[app] = `${opts.registry}/${app}`;
  const selected = selectedApps(opts.apps);
  const kept = APPS.filter((a) => !selected.includes(a));
  const release = kept.length > 0 ? await readRelease(namespace) : undefined;
  const refs: Partial<Record<AppName, string>> = {};
  for (const app of APPS) {
    if (!repos[app]) throw new Error(`overlay ${opts.overlay} runs no image of ${app}`);
    if (selected.includes(app)) refs[app] = `${repos[app]}:${tag}`;
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
  const before = await kubectlJson<{ items: WorkloadJson[] }>([
    '-n',
    namespace,
    'get',
    'deployments',
  ]);
  const revisionsBefore: Record<string, string> = {};
  for (const d of before.items) {
    const rev = d.metadata.annotations?.['deployment.kubernetes.io/revision'];
    if (rev) revisionsBefore[d.metadata.name] = rev;
  }
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
 * ci:rollback: puts every Deployment this build's deploy changed back on the revision it ran
 * before (`kubectl rollout undo --to-revision`), so image and pod template both return, and
 * waits for those rollouts. Deployments it did not change are not touched.
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
  const now = await kubectlJson<{ items: WorkloadJson[] }>([
    '-n',
    state.namespace,
    'get',
    'deployments',
  ]);
  const undone: string[] = [];
  const undoStart = Date.now();
  for (const d of now.items.filter((x) => state.deployments.includes(x.metadata.name))) {
    const name = d.metadata.name;
    const before = state.revisionsBefore[name];
    const current = d.metadata.annotations?.['deployment.kubernetes.io/revision'];
    if (!before) {
      log('rollback', `deployment/${name} was created by this build: left in place`);
      continue;
    }
    if (current === before) continue;
    await kubectl([
      '-n',
      state.namespace,
      'rollout',
      'undo',
      `deployment/${name}`,
      `--to-revision=${before}`,
    ]);
    log('rollback', `deployment/${name}: revision ${current} → back to ${before}`);
    undone.push(name);
  }
  if (undone.length === 0) log('rollback', 'no Deployment had changed');
  await waitFor(
    'rollback',
    state.namespace,
    { deployments: undone, statefulSets: [], jobs: [] },
    timeoutS,
    undoStart,
  );
  writeDeployState({ ...state, outcome: 'rolled-back' });
  log('rollback', `rolled back: ${undone.join(' ') || 'nothing'}`);
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
