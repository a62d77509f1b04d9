import { isValidProxyList, trustedHops } from './trusted-proxies';

describe('trustedHops', () => {
  const privateHops = [
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
  const publicHops = [
    '203.0.113.7',
    '8.8.8.8',
    '172.32.0.1',
    '192.169.0.1',
    '::ffff:203.0.113.7',
    '2001:db8::1',
    'fe80::1',
  ];

  it('trusts exactly the listed kinds of address, asked once or again', () => {
    const trust = trustedHops(['loopback', 'uniquelocal']);
    for (let round = 0; round < 2; round++) {
      expect(privateHops.filter((address) => !trust(address, 0))).toEqual([]);
      expect(publicHops.filter((address) => trust(address, 1))).toEqual([]);
    }
  });

  it('trusts no one when the list is empty, loopback included', () => {
    const trust = trustedHops([]);
    expect([...privateHops, ...publicHops].filter((address) => trust(address, 0))).toEqual([]);
  });

  it('trusts one CIDR and not its neighbours', () => {
    const trust = trustedHops(['10.42.0.0/16']);
    expect(trust('10.42.7.9', 0)).toBe(true);
    expect(trust('10.43.0.1', 0)).toBe(false);
    expect(trust('127.0.0.1', 0)).toBe(false);
  });

  it('keeps answering right after more distinct addresses than it remembers', () => {
    const trust = trustedHops(['loopback', 'uniquelocal'], 16);
    for (let i = 0; i < 100; i++) {
      expect(trust(`198.51.100.${i}`, 1)).toBe(false);
      expect(trust(`10.0.${i}.1`, 0)).toBe(true);
    }
    expect(trust('127.0.0.1', 0)).toBe(true);
    expect(trust('203.0.113.7', 1)).toBe(false);
  });
});

describe('isValidProxyList', () => {
  it('accepts addresses, CIDRs and names, and refuses anything else', () => {
    expect(isValidProxyList(['loopback', '10.0.0.0/8', '192.168.1.4', 'fd00::/8'])).toBe(true);
    expect(isValidProxyList([])).toBe(true);
    expect(isValidProxyList(['gateway'])).toBe(false);
    expect(isValidProxyList(['10.0.0.0/99'])).toBe(false);
  });
});
