import proxyAddr from '@fastify/proxy-addr';

/** Past this many distinct addresses the answers are forgotten and learnt again. */
const REMEMBERED_ADDRESSES = 10_000;

/**
 * Fastify's `trustProxy`: which hops' X-Forwarded-* headers an app believes. Only loopback and
 * private addresses (the gateway, an ingress or load balancer inside the cluster), as
 * `'loopback,uniquelocal'` would, but with each address's answer remembered: proxy-addr's
 * compiled check parses the address on every call, about 3 µs for each request that carries
 * X-Forwarded-For (every request behind an ingress), and `request.ip` and `request.protocol`
 * both ask.
 */
export function trustPrivateHops(
  remembered = REMEMBERED_ADDRESSES,
): (address: string, hop: number) => boolean {
  const check = proxyAddr.compile(['loopback', 'uniquelocal']);
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
