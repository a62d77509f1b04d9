import { parseAllDocuments, stringify } from 'yaml';
import { APPS, type AppName } from '@tools/images';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

interface Container {
  name: string;
  image: string;
  imagePullPolicy?: string;
}

export function parseManifests(yaml: string): K8sObject[] {
  return parseAllDocuments(yaml)
    .map((d) => d.toJSON() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

export function printManifests(objects: K8sObject[]): string {
  return objects.map((o) => stringify(o)).join('---\n');
}

function podSpec(o: K8sObject): Record<string, unknown> | undefined {
  const spec = o.spec as
    | {
        template?: { spec?: Record<string, unknown> };
        jobTemplate?: { spec?: { template?: { spec?: Record<string, unknown> } } };
      }
    | undefined;
  if (o.kind === 'Pod') return o.spec;
  if (o.kind === 'CronJob') return spec?.jobTemplate?.spec?.template?.spec;
  return spec?.template?.spec;
}

function containers(o: K8sObject): Container[] {
  const pod = podSpec(o);
  if (!pod) return [];
  return ['initContainers', 'containers'].flatMap((k) => (pod[k] as Container[] | undefined) ?? []);
}

/** `registry:5000/a/b:tag@sha256:…` → repository, tag, digest. */
export function splitImage(ref: string): { repository: string; tag?: string; digest?: string } {
  const [nameTag, digest] = ref.split('@');
  const slash = nameTag.lastIndexOf('/');
  const colon = nameTag.lastIndexOf(':');
  if (colon > slash)
    return { repository: nameTag.slice(0, colon), tag: nameTag.slice(colon + 1), digest };
  return { repository: nameTag, digest };
}

/** The app an image belongs to: its repository's last path segment, when that is an app's name. */
export function appOfImage(ref: string): AppName | undefined {
  const last = splitImage(ref).repository.split('/').pop();
  return (APPS as readonly string[]).includes(last ?? '') ? (last as AppName) : undefined;
}

/** Each app's repository as the overlay names it (its image name with the overlay's registry). */
export function appRepositories(objects: K8sObject[]): Partial<Record<AppName, string>> {
  const out: Partial<Record<AppName, string>> = {};
  for (const c of objects.flatMap(containers)) {
    const app = appOfImage(c.image);
    if (app) out[app] = splitImage(c.image).repository;
  }
  return out;
}

/**
 * Sets every container of every app (init containers and Jobs too: they run app images) to the
 * reference chosen for it. A reference with a digest is pulled when the node lacks it
 * (`IfNotPresent`): a digest names one content, so an image present under it is the right one,
 * and an overlay's `Never` (images imported by hand) would keep the node from the registry.
 * Then refuses any image in the result without an immutable
 * reference: no tag, `latest`, or a placeholder tag the overlay leaves for CI to fill in.
 */
export function pinImages(
  objects: K8sObject[],
  refs: Partial<Record<AppName, string>>,
): K8sObject[] {
  const out = structuredClone(objects);
  const floating: string[] = [];
  for (const o of out) {
    for (const c of containers(o)) {
      const app = appOfImage(c.image);
      const ref = app ? refs[app] : undefined;
      if (ref) {
        c.image = ref;
        if (splitImage(ref).digest) c.imagePullPolicy = 'IfNotPresent';
      }
      const { tag, digest } = splitImage(c.image);
      if (!digest && (!tag || tag === 'latest' || tag === PLACEHOLDER_TAG))
        floating.push(`${o.kind}/${o.metadata.name} ${c.name}: ${c.image}`);
    }
  }
  if (floating.length > 0)
    throw new Error(`images without an immutable tag or digest:\n  ${floating.join('\n  ')}`);
  return out;
}

/** The tag the prod overlay carries so that applying it without CI fails visibly, never runs `latest`. */
export const PLACEHOLDER_TAG = 'set-by-ci-deploy';

/** The namespace the overlay deploys to (all its namespaced objects share one). */
export function namespaceOf(objects: K8sObject[]): string {
  const names = new Set(
    objects.map((o) => o.metadata.namespace).filter((n): n is string => Boolean(n)),
  );
  if (names.size !== 1)
    throw new Error(
      `expected one namespace in the overlay, found ${[...names].join(', ') || 'none'}`,
    );
  return [...names][0];
}

export function namesOf(objects: K8sObject[], kind: string): string[] {
  return objects.filter((o) => o.kind === kind).map((o) => o.metadata.name);
}

/** The reference each app runs in these (applied or rendered) objects' Deployments. */
export function deployedRefs(objects: K8sObject[]): Partial<Record<AppName, string>> {
  const out: Partial<Record<AppName, string>> = {};
  for (const o of objects.filter((x) => x.kind === 'Deployment')) {
    for (const c of containers(o)) {
      const app = appOfImage(c.image);
      if (app && app === o.metadata.name) out[app] = c.image;
    }
  }
  return out;
}
