import { parseApps, parseCommand, UsageError } from './args';

describe('parseCommand', () => {
  it('reads a deploy with its overlay, tag, apps and dry run', () => {
    expect(
      parseCommand([
        'deploy',
        '--overlay',
        'prod',
        '--tag',
        'abc123',
        '--apps',
        'webtoon,auth',
        '--dry-run',
      ]),
    ).toEqual({
      name: 'deploy',
      overlay: 'prod',
      tag: 'abc123',
      apps: { kind: 'list', apps: ['auth', 'webtoon'] },
      dryRun: true,
    });
  });

  it('defaults to all apps, the commit tag and a 300 s wait', () => {
    expect(parseCommand(['deploy', '--overlay', 'dev'])).toMatchObject({
      apps: { kind: 'all' },
      tag: undefined,
      dryRun: false,
    });
    expect(parseCommand(['wait', '--overlay', 'dev'])).toEqual({
      name: 'wait',
      overlay: 'dev',
      timeoutS: 300,
    });
  });

  it('refuses latest, a missing overlay, unknown apps and options', () => {
    expect(() => parseCommand(['deploy', '--overlay', 'prod', '--tag', 'latest'])).toThrow(
      /immutable/,
    );
    expect(() => parseCommand(['deploy', '--tag', 'abc'])).toThrow(/--overlay <name> is required/);
    expect(() => parseCommand(['deploy', '--overlay', '../x'])).toThrow(/not an overlay name/);
    expect(() => parseCommand(['build', '--apps', 'webtoon,shop'])).toThrow(/unknown app shop/);
    expect(() => parseCommand(['wait', '--overlay', 'dev', '--bogus'])).toThrow(UsageError);
    expect(() => parseCommand(['launch'])).toThrow(/unknown step launch/);
  });

  it('pushes to the registry it is given', () => {
    expect(parseCommand(['push', '--registry', 'registry.example.com/platform/'])).toMatchObject({
      registry: 'registry.example.com/platform',
    });
    expect(() => parseCommand(['push'])).toThrow(/needs --registry <prefix>/);
    expect(() => parseCommand(['push', '--devcluster'])).toThrow(UsageError);
  });

  it('reads the load gate thresholds and checks them', () => {
    expect(
      parseCommand([
        'load-gate',
        '--url',
        'http://10.87.0.1:30080/',
        '--max-p99-ms',
        '400',
        '--rate',
        '10',
      ]),
    ).toEqual({
      name: 'load-gate',
      url: 'http://10.87.0.1:30080',
      gate: { rate: 10, durationS: 20, maxErrorRatio: 0.001, maxP99Ms: 400 },
    });
    expect(() =>
      parseCommand(['load-gate', '--url', 'http://x', '--max-error-ratio', '2']),
    ).toThrow(/\[0, 1\)/);
    expect(() => parseCommand(['smoke', '--url', 'ftp://x'])).toThrow(/http or https/);
    expect(() => parseCommand(['smoke', '--url', 'http://x', '--within', '0'])).toThrow(/> 0/);
  });
});

describe('parseApps', () => {
  it('keeps the platform order and understands all and affected', () => {
    expect(parseApps('blog gateway')).toEqual({ kind: 'list', apps: ['gateway', 'blog'] });
    expect(parseApps('')).toEqual({ kind: 'list', apps: [] });
    expect(parseApps('all')).toEqual({ kind: 'all' });
    expect(parseApps('affected')).toEqual({ kind: 'affected' });
  });
});
