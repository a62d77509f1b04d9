import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { APPS } from '@tools/images';
import {
  appOfImage,
  appRepositories,
  deployedRefs,
  namespaceOf,
  parseManifests,
  pinImages,
  splitImage,
  type K8sObject,
} from './manifests';

const root = join(__dirname, '..', '..', '..');
const render = (overlay: string) =>
  parseManifests(
    execFileSync('kubectl', ['kustomize', join(root, 'k8s', 'overlays', overlay)], {
      encoding: 'utf8',
    }),
  );

const images = (objects: K8sObject[]) =>
  objects.flatMap((o) => {
    const pod = (o.spec as { template?: { spec: Record<string, { image: string }[]> } } | undefined)
      ?.template?.spec;
    return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])].map(
      (c) => `${o.kind}/${o.metadata.name} ${c.image}`,
    );
  });

describe('splitImage and appOfImage', () => {
  it('tell repository, tag and digest apart, with a registry port', () => {
    expect(splitImage('localhost:5000/platform/webtoon:abc@sha256:00ff')).toEqual({
      repository: 'localhost:5000/platform/webtoon',
      tag: 'abc',
      digest: 'sha256:00ff',
    });
    expect(splitImage('localhost:5000/platform/webtoon')).toEqual({
      repository: 'localhost:5000/platform/webtoon',
    });
    expect(appOfImage('registry.example.com/platform/news:1')).toBe('news');
    expect(appOfImage('microservices-platform/kafka:3.9.1')).toBeUndefined();
  });
});

describe('pinImages on the prod overlay', () => {
  const prod = render('prod');

  it('refuses the overlay as committed: its placeholder tag is not immutable', () => {
    expect(() => pinImages(prod, {})).toThrow(
      /gateway: registry.example.com\/platform\/gateway:set-by-ci-deploy/,
    );
  });

  it('pins every app, keeping the references of the unchanged ones', () => {
    const repos = appRepositories(prod);
    expect(Object.keys(repos).sort()).toEqual([...APPS].sort());
    const refs = Object.fromEntries(APPS.map((a) => [a, `${repos[a]}:old111`]));
    refs.webtoon = `${repos.webtoon}:new222`;
    const pinned = pinImages(prod, refs);
    expect(deployedRefs(pinned)).toEqual(refs);
    expect(images(pinned).filter((i) => /latest|set-by-ci/.test(i))).toEqual([]);
    expect(namespaceOf(pinned)).toBe('platform');
    // The input is not changed: a dry run and the apply start from the same render.
    expect(images(prod).every((i) => i.endsWith(':set-by-ci-deploy'))).toBe(true);
  });
});

describe('pinImages on the local overlay', () => {
  const local = render('local');

  it('pins app images in init containers and Jobs too, and leaves infrastructure images alone', () => {
    const refs = Object.fromEntries(APPS.map((a) => [a, `microservices-platform/${a}:t1`]));
    const pinned = images(pinImages(local, refs));
    expect(pinned).toContain('Job/kafka-topics microservices-platform/auth:t1');
    expect(pinned).toContain('Deployment/webtoon microservices-platform/gateway:t1');
    expect(pinned).toContain('StatefulSet/kafka microservices-platform/kafka:3.9.1');
    // The demo's load generator is a tool, not an app the pipeline builds: its suspended Job
    // keeps the image the demo built.
    expect(pinned.filter((i) => i.endsWith(':dev'))).toEqual([
      'Job/load-generator microservices-platform/load:dev',
    ]);
  });

  it('lets the node pull an app pinned to a digest, and keeps the infrastructure on imported images', () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const refs = Object.fromEntries(
      APPS.map((a) => [a, `127.0.0.1:5000/microservices-platform/${a}:t1@${digest}`]),
    );
    const policies = pinImages(local, refs).flatMap((o) => {
      const pod = (
        o.spec as
          | { template?: { spec: Record<string, { image: string; imagePullPolicy?: string }[]> } }
          | undefined
      )?.template?.spec;
      return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])].map(
        (c) => `${c.image.startsWith('127.0.0.1:5000/') ? 'app' : c.image} ${c.imagePullPolicy}`,
      );
    });
    expect(policies).toContain('app IfNotPresent');
    expect(policies.filter((p) => p.startsWith('app ') && p !== 'app IfNotPresent')).toEqual([]);
    expect(policies).toContain('microservices-platform/kafka:3.9.1 Never');
  });

  it('names every image left without an immutable tag', () => {
    const objects: K8sObject[] = [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'x', namespace: 'n' },
        spec: {
          template: {
            spec: {
              containers: [
                { name: 'a', image: 'busy/box' },
                { name: 'b', image: 'busy/box:latest' },
              ],
            },
          },
        },
      },
    ];
    expect(() => pinImages(objects, {})).toThrow(
      'Deployment/x a: busy/box\n  Deployment/x b: busy/box:latest',
    );
    expect(() =>
      namespaceOf([...objects, { ...objects[0], metadata: { name: 'y', namespace: 'm' } }]),
    ).toThrow(/one namespace/);
  });
});
