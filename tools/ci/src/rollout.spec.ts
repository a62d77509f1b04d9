import {
  hopelessContainer,
  rolloutProgress,
  toUndo,
  workloadRevisions,
  type WorkloadJson,
} from './rollout';

const deployment = (
  status: WorkloadJson['status'],
  generation = 3,
  replicas = 2,
): WorkloadJson => ({
  kind: 'Deployment',
  metadata: { name: 'webtoon', generation },
  spec: { replicas },
  status,
});

describe('rolloutProgress', () => {
  it('is done only when every replica is updated and available and no old one is left', () => {
    const full = { observedGeneration: 3, replicas: 2, updatedReplicas: 2, availableReplicas: 2 };
    expect(rolloutProgress(deployment(full))).toEqual({ state: 'done' });
    expect(rolloutProgress(deployment({ ...full, observedGeneration: 2 }))).toMatchObject({
      state: 'waiting',
    });
    expect(rolloutProgress(deployment({ ...full, updatedReplicas: 1 }))).toEqual({
      state: 'waiting',
      why: '1 of 2 replicas updated',
    });
    expect(rolloutProgress(deployment({ ...full, replicas: 3 }))).toEqual({
      state: 'waiting',
      why: '1 old replicas still running',
    });
    expect(rolloutProgress(deployment({ ...full, availableReplicas: 1 }))).toEqual({
      state: 'waiting',
      why: '1 of 2 updated replicas available',
    });
  });

  it('fails a Deployment past its progress deadline', () => {
    const w = deployment({
      observedGeneration: 3,
      conditions: [
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "x" has timed out progressing.',
        },
      ],
    });
    expect(rolloutProgress(w)).toMatchObject({
      state: 'failed',
      why: expect.stringMatching(/progress deadline/),
    });
  });

  it('follows StatefulSet revisions and Job completion', () => {
    const sts = (status: WorkloadJson['status']): WorkloadJson => ({
      kind: 'StatefulSet',
      metadata: { name: 'kafka' },
      spec: { replicas: 1 },
      status,
    });
    expect(
      rolloutProgress(sts({ readyReplicas: 1, currentRevision: 'a', updateRevision: 'b' })),
    ).toMatchObject({ state: 'waiting' });
    expect(
      rolloutProgress(sts({ readyReplicas: 1, currentRevision: 'b', updateRevision: 'b' })),
    ).toEqual({ state: 'done' });
    const job = (type: string): WorkloadJson => ({
      kind: 'Job',
      metadata: { name: 'kafka-topics' },
      status: { conditions: [{ type, status: 'True', reason: 'BackoffLimitExceeded' }] },
    });
    expect(rolloutProgress(job('Complete'))).toEqual({ state: 'done' });
    expect(
      rolloutProgress({ kind: 'Job', metadata: { name: 'load-generator' }, status: {} }),
    ).toMatchObject({ state: 'waiting' });
    expect(
      rolloutProgress({
        kind: 'Job',
        metadata: { name: 'load-generator' },
        spec: { suspend: true },
        status: {},
      }),
    ).toEqual({ state: 'done' });
    expect(rolloutProgress(job('Failed'))).toEqual({
      state: 'failed',
      why: 'job failed: BackoffLimitExceeded',
    });
  });
});

describe('hopelessContainer', () => {
  it('names a container whose image can never be there, and not one that is only starting', () => {
    const pod = (reason: string) => ({
      metadata: { name: 'webtoon-1' },
      status: {
        containerStatuses: [
          {
            name: 'webtoon',
            image: 'microservices-platform/webtoon:b',
            state: { waiting: { reason } },
          },
        ],
      },
    });
    expect(hopelessContainer(pod('ErrImageNeverPull'))).toBe(
      'pod webtoon-1 webtoon (microservices-platform/webtoon:b): ErrImageNeverPull',
    );
    expect(hopelessContainer(pod('ContainerCreating'))).toBeUndefined();
    expect(hopelessContainer(pod('CrashLoopBackOff'))).toBeUndefined();
    // A Secret written by the same apply's generator Job may not exist yet.
    expect(hopelessContainer(pod('CreateContainerConfigError'))).toBeUndefined();
  });
});

describe('what a rollback undoes', () => {
  const dep = (name: string, rev: string): WorkloadJson => ({
    kind: 'Deployment',
    metadata: { name, annotations: { 'deployment.kubernetes.io/revision': rev } },
  });
  const sts = (name: string, updateRevision: string): WorkloadJson => ({
    kind: 'StatefulSet',
    metadata: { name },
    status: { updateRevision },
  });
  const cr = (name: string, revision: number) => ({
    metadata: { name, ownerReferences: [{ kind: 'StatefulSet', name: 'kafka' }] },
    revision,
  });

  it('reads Deployment revisions and each StatefulSet revision by its ControllerRevision', () => {
    expect(
      workloadRevisions(
        [dep('webtoon', '4'), sts('kafka', 'kafka-7d9f'), sts('postgres', 'postgres-unknown')],
        [cr('kafka-5c2a', 1), cr('kafka-7d9f', 2)],
      ),
    ).toEqual({
      'Deployment/webtoon': { id: '4', revision: '4' },
      'StatefulSet/kafka': { id: 'kafka-7d9f', revision: '2' },
    });
  });

  it('undoes each changed Deployment and StatefulSet to its earlier revision, and nothing else', () => {
    const before = workloadRevisions(
      [dep('webtoon', '4'), dep('auth', '2'), sts('kafka', 'kafka-7d9f')],
      [cr('kafka-7d9f', 2)],
    );
    const now = workloadRevisions(
      [dep('webtoon', '5'), dep('auth', '2'), dep('news', '1'), sts('kafka', 'kafka-9e01')],
      [cr('kafka-7d9f', 2), cr('kafka-9e01', 3)],
    );
    expect(
      toUndo(before, now, [
        'Deployment/webtoon',
        'Deployment/auth',
        'Deployment/news',
        'StatefulSet/kafka',
      ]),
    ).toEqual({
      undo: [
        { key: 'Deployment/webtoon', from: '5', to: '4' },
        { key: 'StatefulSet/kafka', from: '3', to: '2' },
      ],
      created: ['Deployment/news'],
    });
  });
});
