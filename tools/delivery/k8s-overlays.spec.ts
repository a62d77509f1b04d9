import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EVENT_TYPES, deadLetterTopicOf, topicOf } from '@lib/contracts';
import { SignJWT, calculateJwkThumbprint, importJWK, jwtVerify } from 'jose';
import { parse, parseAllDocuments } from 'yaml';

// The overlays that bring their own infrastructure (demo: official images; local: images built
// here), checked as rendered: what a cluster would receive from `kubectl apply -k`.
const root = resolve(__dirname, '..', '..');
const APPS = ['gateway', 'auth', 'webtoon', 'payment', 'news', 'blog', 'web'];
const SCRIPTS = join(root, 'k8s', 'components', 'infrastructure', 'scripts');
const NAMESPACE = 'platform-demo';
const NAME = 'app.kubernetes.io/name';

interface Container {
  name: string;
  image: string;
  imagePullPolicy?: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: SecretRef } }[];
  startupProbe?: unknown;
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  resources?: {
    requests?: { cpu?: string; memory?: string };
    limits?: { cpu?: string; memory?: string };
  };
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
}

interface PodSpec {
  serviceAccountName?: string;
  securityContext?: Record<string, unknown>;
  initContainers?: Container[];
  containers: Container[];
  volumes?: { name: string; emptyDir?: unknown }[];
}

interface SecretRef {
  name: string;
  key: string;
}

interface K8sObject {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  rules?: { resources: string[]; verbs: string[]; resourceNames?: string[] }[];
  spec: Record<string, unknown> & {
    replicas?: number;
    minReplicas?: number;
    scaleTargetRef?: { name: string };
    template?: { metadata: { labels: Record<string, string> }; spec: PodSpec };
    volumeClaimTemplates?: unknown[];
  };
}

function render(overlay: string): K8sObject[] {
  const out = execFileSync('kubectl', ['kustomize', join(root, 'k8s', 'overlays', overlay)], {
    encoding: 'utf8',
  });
  return parseAllDocuments(out).map((doc) => doc.toJSON() as K8sObject);
}

const WORKLOADS = ['Deployment', 'StatefulSet', 'Job'];
const workloads = (objects: K8sObject[]) => objects.filter((o) => WORKLOADS.includes(o.kind));
const find = (objects: K8sObject[], kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${kind} ${name} is not rendered`);
  return found;
};
/** Every container of a workload's pod, init containers included. */
const allContainers = (workload: K8sObject) => [
  ...(workload.spec.template!.spec.initContainers ?? []),
  ...workload.spec.template!.spec.containers,
];
const containerOf = (objects: K8sObject[], kind: string, name: string) =>
  find(objects, kind, name).spec.template!.spec.containers[0];

function millicores(cpu: string): number {
  return cpu.endsWith('m') ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000;
}

// The scripts the Jobs run, loaded as the Jobs load them (CommonJS, Node.js built-ins).
const load = createRequire(__filename);
const secretsScript = load(join(SCRIPTS, 'generate-secrets.js')) as {
  infrastructureSecrets(): Record<string, string>;
  platformSecrets(infrastructure: Record<string, string>): Record<string, string>;
  loadTestSecrets(): Record<string, string>;
  ensureSecret(
    api: (
      method: string,
      path: string,
      body?: unknown,
    ) => Promise<{ status: number; body: unknown }>,
    namespace: string,
    name: string,
    make: () => Record<string, string>,
  ): Promise<Record<string, string>>;
};
const topicsScript = load(join(SCRIPTS, 'kafka-topics.js')) as {
  TOPICS: string[];
  PARTITIONS: number;
};

const overlays = { demo: render('demo'), local: render('local') };

describe.each(Object.entries(overlays))('the %s overlay', (overlay, objects) => {
  it('puts everything in its own namespace', () => {
    const namespaced = objects.filter((o) => o.kind !== 'Namespace');
    expect(new Set(namespaced.map((o) => o.metadata.namespace))).toEqual(new Set([NAMESPACE]));
    expect(find(objects, 'Namespace', NAMESPACE)).toBeTruthy();
  });

  it('runs the seven apps, monitoring and the infrastructure as StatefulSets', () => {
    const byKind = (kind: string) =>
      objects
        .filter((o) => o.kind === kind)
        .map((o) => o.metadata.name)
        .sort();
    // Grafana's server cannot be built on this machine: the local overlay runs without it.
    const monitoring = overlay === 'local' ? ['prometheus'] : ['grafana', 'prometheus'];
    expect(byKind('Deployment')).toEqual([...APPS, ...monitoring].sort());
    expect(byKind('StatefulSet')).toEqual(['consul', 'kafka', 'mongo', 'postgres']);
    expect(byKind('Job')).toEqual([
      'kafka-topics',
      'load-generator',
      'mongo-users',
      'postgres-setup',
      'secret-generator',
    ]);
  });

  it('pins every image to a tag that is not latest', () => {
    for (const workload of workloads(objects)) {
      for (const container of allContainers(workload)) {
        const tag = container.image.split('/').pop()!.split(':')[1];
        expect({ image: container.image, tag }).toEqual({
          image: container.image,
          tag: expect.stringMatching(/^[\w.-]+$/),
        });
        expect(tag).not.toBe('latest');
      }
    }
  });

  it('gives every long-running pod startup, readiness and liveness probes', () => {
    for (const workload of objects.filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind))) {
      for (const container of workload.spec.template!.spec.containers) {
        const probes = [container.startupProbe, container.readinessProbe, container.livenessProbe];
        expect({ pod: workload.metadata.name, probes: probes.every(Boolean) }).toEqual({
          pod: workload.metadata.name,
          probes: true,
        });
      }
    }
  });

  it('gives every pod requests and limits, and a non-root, read-only, unprivileged container', () => {
    for (const workload of workloads(objects)) {
      const pod = workload.spec.template!.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
      for (const container of allContainers(workload)) {
        expect(container.resources).toEqual({
          requests: { cpu: expect.any(String), memory: expect.any(String) },
          limits: { cpu: expect.any(String), memory: expect.any(String) },
        });
        expect(container.securityContext).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
      }
    }
  });

  it('meets the restricted Pod Security Standard its namespace enforces', () => {
    expect(find(objects, 'Namespace', NAMESPACE).metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
    const allowedVolumes = [
      'configMap',
      'emptyDir',
      'persistentVolumeClaim',
      'secret',
      'projected',
    ];
    for (const workload of workloads(objects)) {
      const pod = workload.spec.template!.spec as PodSpec & Record<string, unknown>;
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.securityContext!.runAsUser).not.toBe(0);
      for (const flag of ['hostNetwork', 'hostPID', 'hostIPC']) expect(pod[flag]).toBeUndefined();
      for (const volume of pod.volumes ?? []) {
        const type = Object.keys(volume).find((key) => key !== 'name');
        expect(allowedVolumes).toContain(type);
      }
      for (const container of allContainers(workload)) {
        expect(container.ports?.some((p) => 'hostPort' in p)).not.toBe(true);
        expect(container.securityContext).not.toHaveProperty('privileged');
        expect(container.securityContext).not.toHaveProperty('runAsUser', 0);
      }
    }
  });

  it('points every Secret reference at a key the secret generator creates', () => {
    const infrastructure = secretsScript.infrastructureSecrets();
    const created: Record<string, string[]> = {
      'infrastructure-secrets': Object.keys(infrastructure),
      'platform-secrets': Object.keys(secretsScript.platformSecrets(infrastructure)),
      'load-test-secrets': Object.keys(secretsScript.loadTestSecrets()),
    };
    const references = workloads(objects).flatMap((w) =>
      allContainers(w).flatMap((c) =>
        (c.env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef] : [])),
      ),
    );
    expect(references.length).toBeGreaterThan(15);
    for (const { name, key } of references) {
      expect({ name, key, created: created[name]?.includes(key) }).toEqual({
        name,
        key,
        created: true,
      });
    }
  });

  it('lets the secret generator create Secrets and read or extend only its own three', () => {
    const job = find(objects, 'Job', 'secret-generator');
    expect(job.spec.template!.spec.serviceAccountName).toBe('secret-generator');
    const role = find(objects, 'Role', 'secret-generator');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      {
        apiGroups: [''],
        resources: ['secrets'],
        resourceNames: ['infrastructure-secrets', 'platform-secrets', 'load-test-secrets'],
        verbs: ['get', 'patch'],
      },
    ]);
  });

  it('gives the setup Jobs every variable their scripts read', () => {
    const envOf = (job: string) => (containerOf(objects, 'Job', job).env ?? []).map((e) => e.name);
    const read = (file: string, pattern: RegExp) =>
      [...readFileSync(join(SCRIPTS, file), 'utf8').matchAll(pattern)].map((m) => m[1]);
    const postgresVariables = read('postgres-setup.sh', /"\$([A-Z_]+)"/g);
    expect(postgresVariables).toEqual(
      expect.arrayContaining(['POSTGRES_PASSWORD', 'AUTH_DB_PASSWORD', 'PAYMENT_DB_PASSWORD']),
    );
    expect(envOf('postgres-setup')).toEqual(expect.arrayContaining(postgresVariables));
    expect(envOf('mongo-users')).toEqual(
      expect.arrayContaining(['MONGO_ROOT_PASSWORD', 'NEWS_DB_PASSWORD', 'BLOG_DB_PASSWORD']),
    );
  });

  it('lets the apps find (and wait for) Consul, Kafka and the databases at Services of the namespace', () => {
    const config = objects.find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('platform-config'),
    )!;
    const servicePort = (name: string) =>
      (find(objects, 'Service', name).spec.ports as { port: number }[])[0].port;
    const consul = new URL(config.data!.CONSUL_URL);
    expect(Number(consul.port)).toBe(servicePort(consul.hostname));
    const [kafkaHost, kafkaPort] = config.data!.KAFKA_BROKERS.split(':');
    expect(Number(kafkaPort)).toBe(servicePort(kafkaHost));
    for (const app of APPS) {
      const [wait] = find(objects, 'Deployment', app).spec.template!.spec.initContainers!;
      expect(wait.command).toEqual([
        'node',
        '/scripts/wait-for.js',
        config.data!.KAFKA_BROKERS,
        consul.host,
      ]);
    }
    const urls = Object.values(secretsScript.platformSecrets(secretsScript.infrastructureSecrets()))
      .filter((value) => /^(postgres|mongodb):/.test(value))
      .map((value) => new URL(value));
    expect(urls).toHaveLength(5);
    for (const url of urls) expect(Number(url.port)).toBe(servicePort(url.hostname));
  });

  it('exposes the gateway outside the cluster by NodePort and Ingress', () => {
    const nodePort = find(objects, 'Service', 'gateway-nodeport');
    expect(nodePort.spec).toMatchObject({
      type: 'NodePort',
      selector: { [NAME]: 'gateway' },
      ports: [{ nodePort: 30080, targetPort: 'http' }],
    });
    const ingress = find(objects, 'Ingress', 'gateway');
    expect(JSON.stringify(ingress.spec)).toContain('"service":{"name":"gateway"');
  });

  it('keeps the webtoon autoscaler', () => {
    expect(find(objects, 'HorizontalPodAutoscaler', 'webtoon').spec.scaleTargetRef!.name).toBe(
      'webtoon',
    );
  });
});

describe('demo', () => {
  const demo = overlays.demo;

  it('runs the official infrastructure images at the versions compose runs', () => {
    const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), {
      merge: true,
    }) as { services: Record<string, { image: string }> };
    for (const name of ['kafka', 'consul', 'postgres', 'mongo']) {
      expect(containerOf(demo, 'StatefulSet', name).image).toBe(compose.services[name].image);
    }
  });

  it('keeps the stateful parts on persistent volume claims', () => {
    for (const set of demo.filter((o) => o.kind === 'StatefulSet')) {
      expect(set.spec.volumeClaimTemplates).toHaveLength(1);
    }
  });
});

describe('local', () => {
  const local = overlays.local;

  it('runs only images built on this machine, and never pulls one', () => {
    for (const workload of workloads(local)) {
      for (const container of allContainers(workload)) {
        expect(container.image).toMatch(/^microservices-platform\/[a-z]+:[\w.-]+$/);
        expect(container.imagePullPolicy).toBe('Never');
      }
    }
  });

  it('keeps the stateful parts on emptyDir volumes (no storage provisioner)', () => {
    for (const set of local.filter((o) => o.kind === 'StatefulSet')) {
      expect(set.spec.volumeClaimTemplates).toBeUndefined();
      const data = set.spec.template!.spec.volumes!.find((v) => v.name === 'data');
      expect(data?.emptyDir).toEqual({ sizeLimit: '2Gi' });
    }
  });

  it('differs from demo only where a stand-in differs (k8s/README.md lists each)', () => {
    const differences: string[] = [];
    for (const object of local) {
      const twin = find(overlays.demo, object.kind, object.metadata.name);
      if (!WORKLOADS.includes(object.kind)) {
        expect(object).toEqual(twin);
        continue;
      }
      const [mine, theirs] = [object, twin].map((o) => o.spec.template!.spec.containers[0]);
      for (const key of new Set([...Object.keys(mine), ...Object.keys(theirs)])) {
        if (['image', 'imagePullPolicy'].includes(key)) continue;
        const field = key as keyof Container;
        if (JSON.stringify(mine[field]) !== JSON.stringify(theirs[field]))
          differences.push(`${object.metadata.name}.${key}`);
      }
      const volumes = (o: K8sObject) =>
        (o.spec.template!.spec.volumes ?? []).map((v) => v.name).filter((n) => n !== 'data');
      if (JSON.stringify(volumes(object)) !== JSON.stringify(volumes(twin)))
        differences.push(`${object.metadata.name}.volumes`);
    }
    expect(differences.sort()).toEqual([
      'kafka.volumeMounts',
      'mongo-users.env',
      'mongo.args',
      'mongo.volumeMounts',
      'mongo.volumes',
    ]);
    expect(containerOf(local, 'StatefulSet', 'kafka').volumeMounts).toContainEqual({
      name: 'config',
      mountPath: '/opt/kafka/run',
    });
  });

  it('asks for less than 1500m of CPU on a two-CPU node, the autoscaler at its minimum', () => {
    let total = 0;
    for (const workload of workloads(local)) {
      const hpa = local.find(
        (o) =>
          o.kind === 'HorizontalPodAutoscaler' &&
          o.spec.scaleTargetRef?.name === workload.metadata.name,
      );
      const replicas = workload.spec.replicas ?? hpa?.spec.minReplicas ?? 1;
      for (const container of workload.spec.template!.spec.containers)
        total += replicas * millicores(container.resources!.requests!.cpu!);
    }
    expect(total).toBeLessThan(1500);
  });
});

describe('the secret generator', () => {
  beforeEach(() => jest.spyOn(console, 'log').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('writes database URLs with the passwords it gives the setup Jobs', () => {
    const infrastructure = secretsScript.infrastructureSecrets();
    const platform = secretsScript.platformSecrets(infrastructure);
    expect(new URL(platform['payment-database-url'])).toMatchObject({
      protocol: 'postgres:',
      username: 'payment',
      password: infrastructure['payment-db-password'],
      pathname: '/payment',
    });
    expect(new URL(platform['blog-mongodb-url'])).toMatchObject({
      protocol: 'mongodb:',
      username: 'blog',
      password: infrastructure['blog-db-password'],
      pathname: '/blog',
      search: '?authSource=blog',
    });
    const passwords = Object.values(infrastructure);
    expect(new Set(passwords).size).toBe(passwords.length);
    for (const value of passwords) expect(value).toMatch(/^[\w-]{32}$/);
  });

  it('generates an Ed25519 signing key in the format auth loads, kid = RFC 7638 thumbprint', async () => {
    const platform = secretsScript.platformSecrets(secretsScript.infrastructureSecrets());
    const { keys } = JSON.parse(platform['auth-signing-keys']) as {
      keys: { kty: string; crv: string; x: string; d: string; kid: string }[];
    };
    expect(keys).toHaveLength(1);
    const [key] = keys;
    expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(key.kid).toBe(await calculateJwkThumbprint(key));
    const token = await new SignJWT({ sub: 'u1' })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
      .sign(await importJWK(key, 'EdDSA'));
    const { d: _private, ...publicKey } = key;
    const { payload } = await jwtVerify(token, await importJWK(publicKey, 'EdDSA'));
    expect(payload.sub).toBe('u1');
  });

  it('creates a missing Secret and keeps an existing one', async () => {
    const stored = new Map<string, Record<string, string>>();
    const calls: string[] = [];
    const api = async (method: string, path: string, body?: unknown) => {
      calls.push(`${method} ${path}`);
      const name = path.split('/').pop()!;
      if (method === 'GET') {
        const data = stored.get(name);
        if (!data) return { status: 404, body: {} };
        const encoded = Object.entries(data).map(([k, v]) => [
          k,
          Buffer.from(v).toString('base64'),
        ]);
        return { status: 200, body: { data: Object.fromEntries(encoded) } };
      }
      const secret = body as { metadata: { name: string }; stringData: Record<string, string> };
      stored.set(secret.metadata.name, secret.stringData);
      return { status: 201, body: {} };
    };
    const first = await secretsScript.ensureSecret(api, 'ns', 's', () => ({ a: 'one' }));
    const second = await secretsScript.ensureSecret(api, 'ns', 's', () => ({ a: 'two' }));
    expect(first).toEqual({ a: 'one' });
    expect(second).toEqual({ a: 'one' });
    expect(calls).toEqual([
      'GET /api/v1/namespaces/ns/secrets/s',
      'POST /api/v1/namespaces/ns/secrets',
      'GET /api/v1/namespaces/ns/secrets/s',
    ]);
  });

  it('reads back what another run created first (409)', async () => {
    let created = false;
    const api = async (method: string) => {
      if (method === 'POST') {
        created = true;
        return { status: 409, body: {} };
      }
      return created
        ? { status: 200, body: { data: { a: Buffer.from('theirs').toString('base64') } } }
        : { status: 404, body: {} };
    };
    await expect(
      secretsScript.ensureSecret(api, 'ns', 's', () => ({ a: 'mine' })),
    ).resolves.toEqual({
      a: 'theirs',
    });
  });
});

describe('the secret generator against an API server', () => {
  // A stand-in API server with its own CA, token and namespace in a service-account folder.
  const dir = mkdtempSync(join(tmpdir(), 'secret-generator-'));
  const stored = new Map<string, Record<string, string>>();
  const requests: string[] = [];
  const server = createServer();
  let port = 0;

  beforeAll(async () => {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
        .concat(['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'ca.crt'), '-days', '1'])
        .concat(['-subj', '/CN=kubernetes', '-addext', 'subjectAltName=IP:127.0.0.1']),
      { stdio: 'ignore' },
    );
    writeFileSync(join(dir, 'token'), 'service-account-token');
    writeFileSync(join(dir, 'namespace'), 'platform-demo\n');
    server.setSecureContext({
      key: readFileSync(join(dir, 'key.pem')),
      cert: readFileSync(join(dir, 'ca.crt')),
    });
    server.on('request', (request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        requests.push(`${request.method} ${request.url} ${request.headers.authorization}`);
        const reply = (status: number, payload: unknown) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(payload));
        };
        if (request.method === 'GET') {
          const data = stored.get(request.url!.split('/').pop()!);
          return data ? reply(200, { data }) : reply(404, { kind: 'Status', code: 404 });
        }
        if (request.method === 'PATCH') {
          const name = request.url!.split('/').pop()!;
          const existing = stored.get(name);
          if (!existing || request.headers['content-type'] !== 'application/merge-patch+json') {
            return reply(existing ? 415 : 404, { kind: 'Status' });
          }
          const patch = JSON.parse(body) as { stringData: Record<string, string> };
          for (const [key, value] of Object.entries(patch.stringData)) {
            existing[key] = Buffer.from(value).toString('base64');
          }
          return reply(200, {});
        }
        const secret = JSON.parse(body) as {
          metadata: { name: string };
          stringData: Record<string, string>;
        };
        const encoded = Object.entries(secret.stringData).map(([key, value]) => [
          key,
          Buffer.from(value).toString('base64'),
        ]);
        stored.set(secret.metadata.name, Object.fromEntries(encoded));
        reply(201, {});
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((done) => server.close(done));
    rmSync(dir, { recursive: true, force: true });
  });

  const run = () =>
    new Promise<string>((done, fail) =>
      execFile(
        'node',
        [join(SCRIPTS, 'generate-secrets.js')],
        {
          env: {
            ...process.env,
            KUBERNETES_SERVICE_HOST: '127.0.0.1',
            KUBERNETES_SERVICE_PORT: String(port),
            SERVICE_ACCOUNT_DIR: dir,
          },
        },
        (error, stdout, stderr) => (error ? fail(new Error(stderr)) : done(stdout + stderr)),
      ),
    );
  const decoded = (name: string) =>
    Object.fromEntries(
      Object.entries(stored.get(name) ?? {}).map(([k, v]) => [
        k,
        Buffer.from(v, 'base64').toString(),
      ]),
    );

  it('creates its three Secrets once, over TLS as its service account, and logs no value', async () => {
    const first = await run();
    const infrastructure = decoded('infrastructure-secrets');
    const platform = decoded('platform-secrets');
    expect(Object.keys(platform).sort()).toEqual(
      Object.keys(secretsScript.platformSecrets(secretsScript.infrastructureSecrets())).sort(),
    );
    expect(new URL(platform['auth-database-url']).password).toBe(
      infrastructure['auth-db-password'],
    );
    const collection = '/api/v1/namespaces/platform-demo/secrets';
    const bearer = 'Bearer service-account-token';
    expect(requests).toEqual([
      `GET ${collection}/infrastructure-secrets ${bearer}`,
      `POST ${collection} ${bearer}`,
      `GET ${collection}/platform-secrets ${bearer}`,
      `POST ${collection} ${bearer}`,
      `GET ${collection}/load-test-secrets ${bearer}`,
      `POST ${collection} ${bearer}`,
    ]);
    const loadTest = decoded('load-test-secrets');
    expect(loadTest['load-test-key']).toMatch(/^[\w-]{32}$/);

    const second = await run();
    expect(decoded('platform-secrets')).toEqual(platform);
    expect(decoded('load-test-secrets')).toEqual(loadTest);
    expect(requests.slice(6).map((r) => r.split(' ')[0])).toEqual(['GET', 'GET', 'GET']);
    for (const value of [
      ...Object.values(infrastructure),
      ...Object.values(platform),
      ...Object.values(loadTest),
    ]) {
      expect(first + second).not.toContain(value);
    }
    expect(second).toContain('secret platform-secrets exists');
  });

  it('adds a key a newer release introduced to an existing Secret, changing no value', async () => {
    await run();
    const before = decoded('platform-secrets');
    const platform = stored.get('platform-secrets')!;
    delete platform['payment-fingerprint-key'];
    requests.length = 0;
    const output = await run();
    const after = decoded('platform-secrets');
    expect(after['payment-fingerprint-key']).toMatch(/^[\w-]{32}$/);
    expect(after['payment-fingerprint-key']).not.toBe(before['payment-fingerprint-key']);
    expect({ ...after, 'payment-fingerprint-key': '' }).toEqual({
      ...before,
      'payment-fingerprint-key': '',
    });
    expect(requests.map((r) => r.split(' ')[0])).toEqual(['GET', 'GET', 'PATCH', 'GET']);
    expect(output).toContain('secret platform-secrets exists, added keys payment-fingerprint-key');
    expect(output).not.toContain(after['payment-fingerprint-key']);
  });
});

describe('the kafka-topics Job', () => {
  it('creates the topics of libs/contracts and their dead-letter topics, as the apps would', () => {
    const topics = [...new Set(EVENT_TYPES.map(topicOf))];
    expect([...topicsScript.TOPICS].sort()).toEqual(
      topics.flatMap((topic) => [topic, deadLetterTopicOf(topic)]).sort(),
    );
    const bus = readFileSync(
      join(root, 'libs', 'platform', 'src', 'events', 'events.bus.ts'),
      'utf8',
    );
    expect(bus).toContain(`options.partitions ?? ${topicsScript.PARTITIONS}`);
  });
});

// NetworkPolicy semantics, enough for the policies here: pod selectors in the namespace,
// namespace selectors by name, ports by number or by the destination's port name.
interface Pod {
  labels: Record<string, string>;
  namespace: string;
  ports: Record<string, number>;
}

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

interface Peer {
  podSelector?: Selector;
  namespaceSelector?: Selector;
}

interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: { protocol?: string; port?: number | string }[];
}

function selects(selector: Selector, labels: Record<string, string>): boolean {
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpression = (selector.matchExpressions ?? []).every((e) => {
    if (e.operator === 'In') return e.values!.includes(labels[e.key]);
    if (e.operator === 'NotIn') return !e.values!.includes(labels[e.key]);
    if (e.operator === 'Exists') return e.key in labels;
    return !(e.key in labels);
  });
  return byLabel && byExpression;
}

function peerMatches(peer: Peer, pod: Pod): boolean {
  if (peer.namespaceSelector) {
    const namespaceLabels = { 'kubernetes.io/metadata.name': pod.namespace };
    if (!selects(peer.namespaceSelector, namespaceLabels)) return false;
  } else if (pod.namespace !== NAMESPACE) return false;
  return peer.podSelector ? selects(peer.podSelector, pod.labels) : true;
}

function ruleAllows(
  rule: Rule,
  peers: Peer[] | undefined,
  other: Pod,
  target: Pod,
  port: number,
  protocol: string,
) {
  const peerOk = !peers || peers.length === 0 || peers.some((p) => peerMatches(p, other));
  const portOk =
    !rule.ports ||
    rule.ports.length === 0 ||
    rule.ports.some(
      (p) =>
        (p.protocol ?? 'TCP') === protocol &&
        (p.port === undefined ||
          (typeof p.port === 'number' ? p.port === port : target.ports[p.port] === port)),
    );
  return peerOk && portOk;
}

function allowed(
  policies: K8sObject[],
  from: Pod,
  to: Pod,
  port: number,
  protocol = 'TCP',
): boolean {
  const applying = (pod: Pod, type: string) =>
    pod.namespace !== NAMESPACE
      ? undefined
      : policies.filter(
          (p) =>
            (p.spec.policyTypes as string[]).includes(type) &&
            selects(p.spec.podSelector as Selector, pod.labels),
        );
  const egress = applying(from, 'Egress');
  const egressOk =
    !egress ||
    egress.length === 0 ||
    egress.some((p) =>
      ((p.spec.egress ?? []) as Rule[]).some((r) => ruleAllows(r, r.to, to, to, port, protocol)),
    );
  const ingress = applying(to, 'Ingress');
  const ingressOk =
    !ingress ||
    ingress.length === 0 ||
    ingress.some((p) =>
      ((p.spec.ingress ?? []) as Rule[]).some((r) =>
        ruleAllows(r, r.from, from, to, port, protocol),
      ),
    );
  return egressOk && ingressOk;
}

describe('network policies', () => {
  const objects = overlays.local;
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');

  it('are the same in demo and local, starting from deny-all', () => {
    expect(overlays.demo.filter((o) => o.kind === 'NetworkPolicy')).toEqual(policies);
    expect(find(objects, 'NetworkPolicy', 'default-deny').spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    });
  });

  const pods: Record<string, Pod> = {};
  for (const workload of workloads(objects)) {
    const container = workload.spec.template!.spec.containers[0];
    pods[workload.metadata.name] = {
      labels: workload.spec.template!.metadata.labels,
      namespace: NAMESPACE,
      ports: Object.fromEntries((container.ports ?? []).map((p) => [p.name, p.containerPort])),
    };
  }
  // What the monitoring component runs, the cluster DNS, and the world outside.
  pods.prometheus = { labels: { [NAME]: 'prometheus' }, namespace: NAMESPACE, ports: {} };
  pods.grafana = { labels: { [NAME]: 'grafana' }, namespace: NAMESPACE, ports: {} };
  const dns: Pod = { labels: { 'k8s-app': 'kube-dns' }, namespace: 'kube-system', ports: {} };
  const outside: Pod = { labels: {}, namespace: '(outside the cluster)', ports: {} };
  const appPort = (app: string) => pods[app].ports.http;
  const adminPort = (app: string) => pods[app].ports.admin;

  const envOf = (app: string) =>
    (containerOf(objects, 'Deployment', app).env ?? []).map((e) => e.name);
  // Apps whose config reads JWKS_URL: the service defaults' schema carries it (auth omits it).
  const verifiers = APPS.filter((app) => {
    const config = readFileSync(join(root, 'apps', app, 'src', 'config.ts'), 'utf8');
    return (
      /serviceConfigSchema|jwtVerificationConfigSchema/.test(config) &&
      !/omit\(\{ JWKS_URL: true \}\)/.test(config)
    );
  });
  const needed: [string, Pod, Pod, number][] = [
    ['client → gateway', outside, pods.gateway, appPort('gateway')],
  ];
  for (const app of APPS) {
    const pod = pods[app];
    needed.push(
      [`${app} → kafka`, pod, pods.kafka, 9092],
      [`${app} → consul`, pod, pods.consul, 8500],
    );
    needed.push([`consul → ${app} health`, pods.consul, pod, adminPort(app)]);
    needed.push([`prometheus → ${app} /metrics`, pods.prometheus, pod, adminPort(app)]);
    if (app !== 'gateway') {
      needed.push([`gateway → ${app}`, pods.gateway, pod, appPort(app)]);
      needed.push([`gateway → ${app} OpenAPI`, pods.gateway, pod, adminPort(app)]);
    }
    if (verifiers.includes(app) && app !== 'gateway')
      needed.push([`${app} → auth JWKS`, pod, pods.auth, appPort('auth')]);
    if (envOf(app).some((name) => name.endsWith('_DATABASE_URL')))
      needed.push([`${app} → postgres`, pod, pods.postgres, 5432]);
    if (envOf(app).some((name) => name.endsWith('_MONGODB_URL')))
      needed.push([`${app} → mongo`, pod, pods.mongo, 27017]);
  }
  needed.push(
    ['postgres-setup → postgres', pods['postgres-setup'], pods.postgres, 5432],
    ['mongo-users → mongo', pods['mongo-users'], pods.mongo, 27017],
    ['kafka-topics → kafka', pods['kafka-topics'], pods.kafka, 9092],
    ['secret-generator → API server', pods['secret-generator'], outside, 443],
    ['prometheus → consul', pods.prometheus, pods.consul, 8500],
    ['grafana → prometheus', pods.grafana, pods.prometheus, 9090],
    // The web console's overview, and the browser's session endpoints (docs/web.md).
    ['gateway → prometheus', pods.gateway, pods.prometheus, 9090],
    ['web → auth session', pods.web, pods.auth, appPort('auth')],
  );

  it.each(needed)('allow %s', (_path, from, to, port) => {
    expect(allowed(policies, from, to, port)).toBe(true);
  });

  it('allow every pod to look names up in kube-system', () => {
    for (const pod of Object.values(pods))
      expect(allowed(policies, pod, dns, 53, 'UDP')).toBe(true);
  });

  const denied: [string, Pod, Pod, number][] = [
    ['client → auth', outside, pods.auth, appPort('auth')],
    ['client → gateway admin port', outside, pods.gateway, adminPort('gateway')],
    ['client → webtoon admin port', outside, pods.webtoon, adminPort('webtoon')],
    ['webtoon → payment admin port', pods.webtoon, pods.payment, adminPort('payment')],
    ['client → postgres', outside, pods.postgres, 5432],
    ['client → consul', outside, pods.consul, 8500],
    ['news → postgres', pods.news, pods.postgres, 5432],
    ['auth → mongo', pods.auth, pods.mongo, 27017],
    ['webtoon → payment', pods.webtoon, pods.payment, appPort('payment')],
    ['payment → news', pods.payment, pods.news, appPort('news')],
    ['gateway → postgres', pods.gateway, pods.postgres, 5432],
    ['postgres → kafka', pods.postgres, pods.kafka, 9092],
    ['mongo-users → postgres', pods['mongo-users'], pods.postgres, 5432],
    ['auth → outside', pods.auth, outside, 443],
    ['grafana → auth', pods.grafana, pods.auth, appPort('auth')],
  ];

  it.each(denied)('deny %s', (_path, from, to, port) => {
    expect(allowed(policies, from, to, port)).toBe(false);
  });
});
