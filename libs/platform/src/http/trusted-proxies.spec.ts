import { trustPrivateHops } from './trusted-proxies';

describe('trustPrivateHops', () => {
  const trusted = [
    '127.0.0.1',
    '127.8.9.10',
    '::1',
    '::ffff:127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.254',
    '192.168.1.1',
    '::ffff:10.0.0.7',
    'fc00::1',
    'fd12:3456::1',
  ];
  const untrusted = [
    '203.0.113.7',
    '8.8.8.8',
    '172.32.0.1',
    '192.169.0.1',
    '::ffff:203.0.113.7',
    '2001:db8::1',
    'fe80::1',
  ];

  it('trusts loopback and private addresses and nothing else, asked once or again', () => {
    const trust = trustPrivateHops();
    for (let round = 0; round < 2; round++) {
      expect(trusted.filter((address) => !trust(address, 0))).toEqual([]);
      expect(untrusted.filter((address) => trust(address, 1))).toEqual([]);
    }
  });

  it('keeps answering right after more distinct addresses than it remembers', () => {
    const trust = trustPrivateHops(16);
    for (let i = 0; i < 100; i++) {
      expect(trust(`198.51.100.${i}`, 1)).toBe(false);
      expect(trust(`10.0.${i}.1`, 0)).toBe(true);
    }
    expect(trust('127.0.0.1', 0)).toBe(true);
    expect(trust('203.0.113.7', 1)).toBe(false);
  });
});
