import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prometheusYaml } from './components/prometheus';
import { loadConfig, loadCredentials, portEnvName } from './config';
import { buildStackEnv, readStackEnv, writeStackEnv } from './env';

describe('devstack configuration', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'devstack-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names one override variable per port', () => {
    expect(portEnvName('kafka')).toBe('DEVSTACK_KAFKA_PORT');
    expect(portEnvName('consulHttp')).toBe('DEVSTACK_CONSUL_HTTP_PORT');
    expect(portEnvName('consulSerfLan')).toBe('DEVSTACK_CONSUL_SERF_LAN_PORT');
  });

  it('uses non-standard default ports and honours overrides', () => {
    const defaults = loadConfig({ DEVSTACK_DIR: dir }).ports;
    expect(defaults).toMatchObject({
      kafka: 19092,
      consulHttp: 18500,
      postgres: 15432,
      ferretdb: 17017,
      prometheus: 19090,
    });
    const cfg = loadConfig({
      DEVSTACK_DIR: dir,
      DEVSTACK_POSTGRES_PORT: '25432',
      DEVSTACK_CACHE: join(dir, 'c'),
    });
    expect(cfg.ports.postgres).toBe(25432);
    expect(cfg.cacheDir).toBe(join(dir, 'c'));
    expect(cfg.envFile).toBe(join(dir, 'stack.env'));
    expect(() => loadConfig({ DEVSTACK_KAFKA_PORT: '70000' })).toThrow(
      'DEVSTACK_KAFKA_PORT=70000 is not a valid port',
    );
  });

  it('keeps the generated passwords and writes a readable stack.env with a role per service', () => {
    const cfg = loadConfig({ DEVSTACK_DIR: dir });
    const creds = loadCredentials(cfg);
    expect(loadCredentials(cfg)).toEqual(creds);
    expect(new Set(Object.values(creds)).size).toBe(Object.keys(creds).length);

    writeStackEnv(cfg, buildStackEnv(cfg, creds));
    const env = readStackEnv(cfg);
    expect(env.KAFKA_BROKERS).toBe('127.0.0.1:19092');
    expect(env.CONSUL_URL).toBe('http://127.0.0.1:18500');
    expect(env.PROMETHEUS_URL).toBe('http://127.0.0.1:19090');
    expect(env.PAYMENT_FINGERPRINT_KEY).toBe(creds.paymentFingerprintKey);
    for (const svc of ['auth', 'webtoon', 'payment']) {
      const url = new URL(env[`${svc.toUpperCase()}_DATABASE_URL`]);
      expect([url.username, url.password, url.port, url.pathname]).toEqual([
        svc,
        creds[svc as 'auth'],
        '15432',
        `/${svc}`,
      ]);
    }
    for (const svc of ['news', 'blog']) {
      const url = new URL(env[`${svc.toUpperCase()}_MONGODB_URL`]);
      expect([url.protocol, url.username, url.port, url.pathname]).toEqual([
        'mongodb:',
        svc,
        '17017',
        `/${svc}`,
      ]);
    }
  });

  it('points Prometheus at the stack Consul with the same relabeling as compose', () => {
    const yaml = prometheusYaml(
      loadConfig({ DEVSTACK_DIR: dir, DEVSTACK_CONSUL_HTTP_PORT: '28500' }),
    );
    expect(yaml).toContain("- server: '127.0.0.1:28500'");
    const relabeling = (text: string) =>
      text
        .slice(text.indexOf('relabel_configs:'))
        .split('\n')
        .filter((line) => !line.trim().startsWith('#'))
        .join('\n')
        .trim();
    const compose = readFileSync(join(__dirname, '../../../prometheus.yml'), 'utf8');
    expect(relabeling(yaml)).toBe(relabeling(compose));
  });
});
