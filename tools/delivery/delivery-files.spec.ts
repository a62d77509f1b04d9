import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

// The delivery files (compose, Kubernetes) are checked against the code they deliver: a renamed
// env variable or a missing probe fails here. Rules and dashboards: tools/monitoring.
const root = resolve(__dirname, '..', '..');
const APPS = ['gateway', 'auth', 'webtoon', 'payment', 'news', 'blog', 'web'];
const STORE_ENV: Record<string, string> = {
  auth: 'AUTH_DATABASE_URL',
  webtoon: 'WEBTOON_DATABASE_URL',
  payment: 'PAYMENT_DATABASE_URL',
  news: 'NEWS_MONGODB_URL',
  blog: 'BLOG_MONGODB_URL',
};

interface K8sObject {
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown> & {
    replicas?: number;
    template?: { spec: { securityContext: Record<string, unknown>; containers: K8sContainer[] } };
  };
}

interface K8sContainer {
  name: string;
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: unknown } }[];
  ports?: { name?: string; containerPort: number }[];
  startupProbe?: { httpGet: { path: string; port: string } };
  readinessProbe?: { httpGet: { path: string; port: string } };
  livenessProbe?: { httpGet: { path: string; port: string } };
  resources?: { requests?: unknown; limits?: unknown };
  securityContext?: Record<string, unknown>;
}

function render(overlay: string): K8sObject[] {
  const out = execFileSync('kubectl', ['kustomize', join(root, 'k8s', 'overlays', overlay)], {
    encoding: 'utf8',
  });
  return parseAllDocuments(out).map((doc) => doc.toJSON() as K8sObject);
}

describe('Kubernetes manifests', () => {
  const prod = render('prod');
  const deployments = prod.filter((o) => o.kind === 'Deployment');

  it('deploy every app with probes, limits and a hardened, non-root pod', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...APPS].sort());
    for (const deployment of deployments) {
      const pod = deployment.spec.template!.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
      const [container] = pod.containers;
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port: 'admin' });
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: 'admin' });
      expect(container.startupProbe?.httpGet).toEqual({ path: '/health/live', port: 'admin' });
      // The admin port is the one ADMIN_PORT opens, and no Service publishes it.
      const admin = container.ports?.find((p) => p.name === 'admin')?.containerPort;
      expect(container.env?.find((e) => e.name === 'ADMIN_PORT')?.value).toBe(String(admin));
      const service = prod.find(
        (o) => o.kind === 'Service' && o.metadata.name === deployment.metadata.name,
      );
      expect(JSON.stringify(service?.spec)).not.toContain('admin');
      expect(container.resources?.requests).toBeTruthy();
      expect(container.resources?.limits).toBeTruthy();
      expect(container.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      });
    }
  });

  it('give each store-owning app its own credentials, from a Secret only', () => {
    for (const [app, variable] of Object.entries(STORE_ENV)) {
      const container = deployments.find((d) => d.metadata.name === app)!.spec.template!.spec
        .containers[0];
      const entry = container.env?.find((e) => e.name === variable);
      expect(entry?.valueFrom?.secretKeyRef).toBeTruthy();
    }
  });

  it('let webtoon alone scale on its own, while the others keep fixed replicas', () => {
    const hpas = prod.filter((o) => o.kind === 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.metadata.name)).toEqual(['webtoon']);
    for (const deployment of deployments) {
      if (deployment.metadata.name === 'webtoon') expect(deployment.spec.replicas).toBeUndefined();
      else expect(deployment.spec.replicas).toBe(2);
    }
  });

  it('keep production limits: no load-test pass for the gateway, no load generator', () => {
    const gateway = deployments.find((d) => d.metadata.name === 'gateway')!;
    const env = gateway.spec.template!.spec.containers[0].env ?? [];
    expect(env.map((e) => e.name)).not.toContain('GATEWAY_LOAD_TEST_KEY');
    expect(prod.filter((o) => o.kind === 'Job').map((o) => o.metadata.name)).toEqual([]);
  });

  it('render the dev overlay into its own namespace', () => {
    const dev = render('dev');
    const namespaces = new Set(dev.map((o) => (o.metadata as { namespace?: string }).namespace));
    expect([...namespaces].filter(Boolean)).toEqual(['platform-dev']);
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), {
    merge: true,
  }) as {
    services: Record<
      string,
      {
        build?: { args: { APP: string } };
        environment?: Record<string, unknown>;
        healthcheck?: unknown;
      }
    >;
  };

  it('builds every app from the one Dockerfile, with a health check', () => {
    for (const app of APPS) {
      const service = compose.services[app];
      expect(service.build?.args.APP).toBe(app);
      expect(service.healthcheck).toBeTruthy();
    }
  });

  it('runs the load generator only with its profile, on a local image, never pulled', () => {
    const load = compose.services.load as {
      image: string;
      profiles?: string[];
      pull_policy?: string;
      environment?: Record<string, unknown>;
      command?: string[];
    };
    expect(load.profiles).toEqual(['load']);
    expect(load.pull_policy).toBe('never');
    expect(load.image).toMatch(/^microservices-platform\/load:/);
    expect(load.command).toContain('--url=http://gateway:8080');
    // The same key on both sides, empty (no pass) unless .env sets it.
    expect(load.environment?.LOAD_TEST_KEY).toBe(
      compose.services.gateway.environment?.GATEWAY_LOAD_TEST_KEY,
    );
  });

  it('gives every app Consul and Kafka, and each store owner its own store URL', () => {
    for (const app of APPS) {
      const env = compose.services[app].environment ?? {};
      expect(env.CONSUL_URL).toBe('http://consul:8500');
      if (app !== 'gateway') expect(env.KAFKA_BROKERS).toBe('kafka:9092');
      if (STORE_ENV[app]) expect(String(env[STORE_ENV[app]])).toContain(`/${app}`);
    }
  });
});
