import proxyAddr from '@fastify/proxy-addr';

/** Past this many distinct addresses the answers are forgotten and learnt again. */
const REMEMBERED_ADDRESSES = 10_000;

/** Whether proxy-addr accepts every entry (addresses, CIDRs, `loopback`, `uniquelocal`, …). */
export function isValidProxyList(entries: string[]): boolean {
  try {
    proxyAddr.compile(entries);
    return true;
  } catch {
    return false;
  }
}

/**
 * Fastify's `trustProxy`: which hops' X-Forwarded-* headers an app believes, from an explicit
 * list (TRUSTED_PROXIES). With none, `request.ip` is the TCP peer whatever the headers say.
 * Each address's answer is remembered: proxy-addr's compiled check parses the address on every
 * call, about 3 µs for each request that carries X-Forwarded-For, and `request.ip` and
 * `request.protocol` both ask.
 */
export function trustedHops(
  entries: readonly string[],
  remembered = REMEMBERED_ADDRESSES,
): (address: string, hop: number) => boolean {
  if (entries.length === 0) return () => false;
  const check = proxyAddr.compile([...entries]);
  const known = new Map<string, boolean>();
  return (address, hop) => {
    let trusted = known.get(address);
    if (trusted === undefined) {
      trusted = check(address, hop);
      // Client addresses are asked about too; a flood of distinct ones must not grow the map.
      if (known.size >= remembered) known.clear();
      known.set(address, trusted);
    }
    return trusted;
  };
}
