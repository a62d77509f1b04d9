import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { baseKey, debianMirror, debootstrapFailure, type BaseInputs } from './base';
import { missingVariables } from './compose';
import { engineStatus, REPO_ROOT } from './engine';
import {
  INFRA_IMAGES,
  LOCAL_NODE_IMAGE,
  localInfraImage,
  NODE_VERSION,
  type InfraName,
} from './versions';

describe('debianMirror', () => {
  it('reads deb822 .sources stanzas, skipping disabled ones and other suites', () => {
    const text = [
      'Types: deb\nURIs: http://mirror.invalid/old\nSuites: bookworm\nEnabled: no',
      'Types: deb-src\nURIs: http://mirror.invalid/src\nSuites: bookworm',
      'Types: deb\nURIs: http://mirror.invalid/security\nSuites: bookworm-security',
      'Types: deb\nURIs: http://mirror.invalid/debian\nSuites: bookworm bookworm-updates\nComponents: main',
    ].join('\n\n');
    expect(debianMirror([{ name: 'debian.sources', text }], 'bookworm')).toBe(
      'http://mirror.invalid/debian',
    );
  });

  it('reads one-line sources.list entries, with options', () => {
    const text = '# comment\ndeb [arch=amd64] http://mirror.invalid/debian bookworm main\n';
    expect(debianMirror([{ name: 'sources.list', text }], 'bookworm')).toBe(
      'http://mirror.invalid/debian',
    );
    expect(debianMirror([{ name: 'sources.list', text }], 'trixie')).toBeUndefined();
  });
});

describe('debootstrapFailure', () => {
  it('names the package that could not be downloaded', () => {
    const out =
      "I: Retrieving libc6 1.2\nW: Couldn't download package libc6 (ver 2.36 arch amd64) at http://x\n";
    expect(debootstrapFailure(out)).toBe('could not download the Debian package libc6');
  });

  it('names the release file and missing packages', () => {
    expect(
      debootstrapFailure('E: Failed getting release file http://x/dists/bookworm/Release'),
    ).toBe('could not get the Debian release file http://x/dists/bookworm/Release');
    expect(debootstrapFailure("E: Couldn't find these debs: libfoo\n")).toBe(
      'Debian packages not found: libfoo',
    );
    expect(debootstrapFailure('I: all good')).toBeUndefined();
  });
});

describe('baseKey', () => {
  const inputs: BaseInputs = { suite: 'bookworm', node: '26.12.1', npm: '11.21.2', cas: [] };

  it('changes with every input, so the base is rebuilt exactly when one changes', () => {
    const key = baseKey(inputs);
    expect(baseKey({ ...inputs })).toBe(key);
    for (const changed of [
      { ...inputs, node: '26.12.2' },
      { ...inputs, npm: '11.21.3' },
      { ...inputs, suite: 'trixie' },
      { ...inputs, cas: [{ name: 'a.crt', pem: 'x' }] },
      { ...inputs, registry: 'https://mirror.invalid/' },
    ]) {
      expect(baseKey(changed)).not.toBe(key);
    }
  });
});

describe('missingVariables', () => {
  const text = 'a: ${ONE:?set ONE}\nb: ${TWO:?}\nc: ${THREE:-default}\nd: ${ONE:?again}';

  it('lists the required variables that neither the env file nor the environment sets', () => {
    expect(missingVariables(text, undefined, {})).toEqual(['ONE', 'TWO']);
    expect(missingVariables(text, 'ONE=x\nTWO=\n', {})).toEqual(['TWO']);
    expect(missingVariables(text, 'ONE=x\n', { TWO: 'y' })).toEqual([]);
  });
});

describe('the compose files', () => {
  type Service = {
    image?: string;
    restart?: string;
    healthcheck?: unknown;
    mem_limit?: string;
    stop_grace_period?: string;
    pull_policy?: string;
    profiles?: string[];
    build?: { args?: Record<string, string> };
    environment?: Record<string, unknown>;
  };
  const load = (file: string) =>
    parse(readFileSync(join(REPO_ROOT, file), 'utf8'), { merge: true }) as {
      services: Record<string, Service>;
      volumes: Record<string, unknown>;
    };
  const main = load('docker-compose.yml');
  const local = load('docker-compose.local.yml');
  const infra = Object.keys(INFRA_IMAGES) as InfraName[];
  const apps = ['gateway', 'auth', 'webtoon', 'payment', 'news', 'blog', 'web'];

  it('pin the official images at the versions the dev stack runs, and the stand-ins beside them', () => {
    for (const name of infra) {
      expect(main.services[name].image).toBe(INFRA_IMAGES[name].official);
      expect(local.services[name].image).toBe(localInfraImage(name));
    }
  });

  it('give infrastructure a restart policy, a health check and a memory limit', () => {
    for (const name of [...infra, 'grafana']) {
      const s = main.services[name];
      expect({ name, restart: s.restart }).toEqual({ name, restart: 'unless-stopped' });
      expect(s.healthcheck).toBeTruthy();
      expect(s.mem_limit).toMatch(/^\d+[mg]$/);
    }
    expect(Object.keys(main.volumes)).toContain('prometheus-data');
  });

  it('stop apps with more grace than their own shutdown bound, hardened like the image tests', () => {
    for (const app of apps) {
      const s = main.services[app];
      const shutdownMs = Number(s.environment?.SHUTDOWN_TIMEOUT_MS);
      expect(Number(s.stop_grace_period?.replace(/s$/, '')) * 1000).toBeGreaterThan(shutdownMs);
      expect(s).toMatchObject({ read_only: true, cap_drop: ['ALL'] });
    }
  });

  it('never pull in the local override, build apps on the local base and leave Grafana out', () => {
    for (const [name, s] of Object.entries(local.services)) {
      expect({ name, pull: s.pull_policy }).toEqual({ name, pull: 'never' });
    }
    for (const app of apps)
      expect(local.services[app].build?.args?.NODE_IMAGE).toBe(LOCAL_NODE_IMAGE);
    expect(local.services.grafana.profiles).toEqual(['grafana']);
  });

  it('build the apps on the Node.js LTS the Dockerfile names', () => {
    const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`ARG NODE_IMAGE=node:${NODE_VERSION}-bookworm-slim`);
    expect(dockerfile).not.toMatch(/^# syntax=/m);
  });
});

describe('engineStatus', () => {
  const path = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path;
    delete process.env.DOCKER_HOST;
  });

  it('says what to install when there is no Docker client', async () => {
    process.env.PATH = '/nonexistent';
    const status = await engineStatus();
    expect(status.ok).toBe(false);
    expect(!status.ok && status.why).toContain('apt-get install docker.io docker-compose');
  });

  it('names the address it tried and how to start an engine when none answers', async () => {
    process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
    const status = await engineStatus();
    expect(status.ok).toBe(false);
    expect(!status.ok && status.why).toContain(
      'does not answer at unix:///nonexistent/docker.sock',
    );
    expect(!status.ok && status.why).toContain('dockerd');
  });
});
