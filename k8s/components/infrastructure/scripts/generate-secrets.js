// Creates the platform's two Secrets with random values when they do not exist yet, so one
// `kubectl apply -k` works with nothing secret in the repository. Runs in the auth image
// (Node.js built-ins only) as the secret-generator Job, whose Role may create Secrets and read
// these two. An existing Secret is never changed: delete both to start over with new values.
'use strict';
const { createHash, generateKeyPairSync, randomBytes } = require('node:crypto');
const { readFileSync } = require('node:fs');
const https = require('node:https');

// Where Kubernetes mounts the pod's service account; another folder only in this script's test.
const SERVICE_ACCOUNT =
  process.env.SERVICE_ACCOUNT_DIR ?? '/var/run/secrets/kubernetes.io/serviceaccount';
const POSTGRES_SERVICES = ['auth', 'webtoon', 'payment'];
const MONGO_SERVICES = ['news', 'blog'];
const LABELS = {
  'app.kubernetes.io/part-of': 'microservices-platform',
  'app.kubernetes.io/managed-by': 'secret-generator',
};

/** 32 URL-safe characters: usable in connection URLs without escaping. */
function password() {
  return randomBytes(24).toString('base64url');
}

/** AUTH_SIGNING_KEYS (docs/auth.md): one Ed25519 private JWK whose kid is its RFC 7638 thumbprint. */
function signingKeys() {
  const { privateKey } = generateKeyPairSync('ed25519');
  const { kty, crv, x, d } = privateKey.export({ format: 'jwk' });
  // The thumbprint hashes the required public members in lexicographic order, no whitespace.
  const kid = createHash('sha256').update(JSON.stringify({ crv, kty, x })).digest('base64url');
  return JSON.stringify({ keys: [{ kty, crv, x, d, kid, alg: 'EdDSA', use: 'sig' }] });
}

/** What the infrastructure and the setup Jobs read: admin passwords and each service's own. */
function infrastructureSecrets() {
  const data = { 'postgres-password': password(), 'mongo-root-password': password() };
  for (const name of [...POSTGRES_SERVICES, ...MONGO_SERVICES]) {
    data[`${name}-db-password`] = password();
  }
  return data;
}

/** What the apps read (k8s/README.md lists the keys): URLs built on the service passwords. */
function platformSecrets(infrastructure) {
  const data = {
    'auth-signing-keys': signingKeys(),
    'admin-password': password(),
    'grafana-admin-password': password(),
    // payment's top-up fingerprint key (docs/payment.md)
    'payment-fingerprint-key': password(),
  };
  for (const name of POSTGRES_SERVICES) {
    const secret = infrastructure[`${name}-db-password`];
    data[`${name}-database-url`] = `postgres://${name}:${secret}@postgres:5432/${name}`;
  }
  for (const name of MONGO_SERVICES) {
    const secret = infrastructure[`${name}-db-password`];
    data[`${name}-mongodb-url`] =
      `mongodb://${name}:${secret}@mongo:27017/${name}?authSource=${name}`;
  }
  return data;
}

/**
 * The key a load generator shows the gateway to be counted against the load-test bucket
 * instead of its IP's (docs/scaling.md). Its own Secret, so the load generator reads nothing else.
 */
function loadTestSecrets() {
  return { 'load-test-key': password() };
}

/**
 * The Secret's data, created from `make()` when it does not exist. An existing one wins: its
 * values are never changed, but keys a newer release added to `make()` are added to it, so
 * an upgrade needs no manual step.
 */
async function ensureSecret(api, namespace, name, make) {
  const collection = `/api/v1/namespaces/${namespace}/secrets`;
  const found = await api('GET', `${collection}/${name}`);
  if (found.status === 200) {
    const data = Object.fromEntries(
      Object.entries(found.body.data ?? {}).map(([key, value]) => [
        key,
        Buffer.from(value, 'base64').toString(),
      ]),
    );
    const wanted = make();
    const missing = Object.keys(wanted).filter((key) => !(key in data));
    if (missing.length === 0) {
      console.log(`secret ${name} exists, left as it is`);
      return data;
    }
    const added = Object.fromEntries(missing.map((key) => [key, wanted[key]]));
    const patched = await api('PATCH', `${collection}/${name}`, { stringData: added });
    if (patched.status !== 200) throw new Error(`patching secret ${name}: HTTP ${patched.status}`);
    console.log(`secret ${name} exists, added keys ${missing.sort().join(', ')}`);
    return { ...data, ...added };
  }
  if (found.status !== 404) throw new Error(`reading secret ${name}: HTTP ${found.status}`);
  const stringData = make();
  const created = await api('POST', collection, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, labels: LABELS },
    type: 'Opaque',
    stringData,
  });
  // 409: another run created it first; use what it wrote.
  if (created.status === 409) return ensureSecret(api, namespace, name, make);
  if (created.status !== 201) throw new Error(`creating secret ${name}: HTTP ${created.status}`);
  console.log(`secret ${name} created with keys ${Object.keys(stringData).sort().join(', ')}`);
  return stringData;
}

/** The API server, as this pod's service account (token and CA mounted by Kubernetes). */
function inClusterApi() {
  const token = readFileSync(`${SERVICE_ACCOUNT}/token`, 'utf8');
  const ca = readFileSync(`${SERVICE_ACCOUNT}/ca.crt`);
  return (method, path, body) =>
    new Promise((resolve, reject) => {
      const request = https.request(
        {
          host: process.env.KUBERNETES_SERVICE_HOST,
          port: process.env.KUBERNETES_SERVICE_PORT,
          method,
          path,
          ca,
          timeout: 10_000,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            'content-type':
              method === 'PATCH' ? 'application/merge-patch+json' : 'application/json',
          },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk) => (text += chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode, body: text ? JSON.parse(text) : {} }),
          );
        },
      );
      request.on('timeout', () => request.destroy(new Error(`${method} ${path} timed out`)));
      request.on('error', reject);
      request.end(body === undefined ? undefined : JSON.stringify(body));
    });
}

async function main() {
  const api = inClusterApi();
  const namespace = readFileSync(`${SERVICE_ACCOUNT}/namespace`, 'utf8').trim();
  const infrastructure = await ensureSecret(
    api,
    namespace,
    'infrastructure-secrets',
    infrastructureSecrets,
  );
  await ensureSecret(api, namespace, 'platform-secrets', () => platformSecrets(infrastructure));
  await ensureSecret(api, namespace, 'load-test-secrets', loadTestSecrets);
}

module.exports = {
  ensureSecret,
  infrastructureSecrets,
  loadTestSecrets,
  platformSecrets,
  signingKeys,
};

if (require.main === module) {
  main().catch((error) => {
    console.error(`secret generation failed: ${error.message}`);
    process.exit(1);
  });
}
