import { join } from 'node:path';
import { firstHost, loadConfig } from './config';

describe('devcluster config', () => {
  it('takes the first host of a CIDR as the API service address', () => {
    expect(firstHost('10.96.0.0/16')).toBe('10.96.0.1');
    expect(firstHost('10.100.7.9/24')).toBe('10.100.7.1');
    expect(() => firstHost('10.96.0.0')).toThrow(/not an IPv4 CIDR/);
  });

  it('keeps state in .devcluster and binaries in the shared cache, both overridable', () => {
    const cfg = loadConfig({
      DEVCLUSTER_DIR: '/tmp/dc',
      DEVSTACK_CACHE: '/tmp/cache',
      DEVCLUSTER_SERVICE_CIDR: '10.112.0.0/16',
    });
    expect(cfg.dir).toBe('/tmp/dc');
    expect(cfg.pkiDir).toBe(join('/tmp/dc', 'pki'));
    expect(cfg.envFile).toBe('/tmp/dc/cluster.env');
    expect(cfg.cacheDir).toBe('/tmp/cache');
    expect(cfg.apiServiceIp).toBe('10.112.0.1');
    const defaults = loadConfig({ HOME: '/home/x', XDG_CACHE_HOME: '/xdg' });
    expect(defaults.dir).toBe(join(defaults.repoRoot, '.devcluster'));
    expect(defaults.cacheDir).toBe('/xdg/microservices-platform');
    expect(defaults.nodeIp).toBe('10.87.0.1');
    expect(defaults.pauseImage).toMatch(/^localhost\//);
  });
});
