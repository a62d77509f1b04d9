import { APPS, type AppName } from '@tools/images';

export interface Affected {
  /** The apps whose image must be rebuilt. */
  apps: AppName[];
  /** Whether anything the cluster runs changed (an image or a manifest). */
  deploy: boolean;
  /** One line per rule that fired, for the build log. */
  reasons: string[];
}

/** Files every app image is built from (Dockerfile, workspace and build configs, the builder). */
const IMAGE_INPUTS = [
  /^Dockerfile$/,
  /^\.dockerignore$/,
  /^package(-lock)?\.json$/,
  /^tsconfig(\.base)?\.json$/,
  /^\.swcrc$/,
  /^nx\.json$/,
  /^tools\/images\//,
];

/** Library files that only tests use; the images leave them out. */
const TESTS_ONLY = /^libs\/platform\/src\/testing\/|\.spec\.ts$|^libs\/[^/]+\/test\//;

/**
 * What a change from the last deployed commit to this one means. `changed` is null when there
 * is no usable base (no deploy recorded, or its commit is not in this history): all apps then.
 * Every app imports the platform and contracts libraries, so a change in a library rebuilds
 * every app, except a change to what only tests use (the platform's `testing` entry point, specs
 * and test folders), which never reaches an image.
 */
export function affectedApps(changed: string[] | null): Affected {
  if (changed === null)
    return {
      apps: [...APPS],
      deploy: true,
      reasons: ['no deployed commit to compare with: all apps'],
    };
  const apps = new Set<AppName>();
  const reasons: string[] = [];
  let manifests = false;
  const all = (why: string) => {
    for (const app of APPS) apps.add(app);
    reasons.push(why);
  };
  for (const file of changed) {
    const app = /^apps\/([^/]+)\//.exec(file)?.[1];
    if (app && (APPS as readonly string[]).includes(app)) {
      if (!apps.has(app as AppName)) reasons.push(`${file}: ${app}`);
      apps.add(app as AppName);
    } else if (/^libs\//.test(file) && !TESTS_ONLY.test(file)) {
      all(`${file}: a shared library, all apps`);
    } else if (IMAGE_INPUTS.some((re) => re.test(file))) {
      all(`${file}: an input of every image, all apps`);
    } else if (/^k8s\//.test(file)) {
      if (!manifests) reasons.push(`${file}: manifests, deploy`);
      manifests = true;
    }
  }
  const list = APPS.filter((a) => apps.has(a));
  return { apps: list, deploy: list.length > 0 || manifests, reasons: [...new Set(reasons)] };
}
