import { HOST } from '../config';
import { ensureConsul } from '../install';
import type { Component } from './types';

let bin = '';

export const consul: Component = {
  name: 'consul',
  ports: [
    'consulHttp',
    'consulDns',
    'consulGrpc',
    'consulServer',
    'consulSerfLan',
    'consulSerfWan',
  ],
  stopSignal: 'SIGINT',
  stopGraceMs: 10_000,
  readyTimeoutMs: 30_000,

  async install(rt) {
    bin = await ensureConsul(rt.cfg, rt.progress);
  },

  async launch(rt) {
    const p = rt.cfg.ports;
    return {
      exe: bin,
      args: [
        'agent',
        '-dev', // in-memory server; the catalog is rebuilt by the apps registering again
        '-node=devstack',
        `-bind=${HOST}`,
        `-client=${HOST}`,
        `-advertise=${HOST}`,
        `-http-port=${p.consulHttp}`,
        '-https-port=-1',
        `-dns-port=${p.consulDns}`,
        `-grpc-port=${p.consulGrpc}`,
        '-grpc-tls-port=-1',
        `-server-port=${p.consulServer}`,
        `-serf-lan-port=${p.consulSerfLan}`,
        `-serf-wan-port=${p.consulSerfWan}`,
        '-hcl=disable_update_check = true',
        '-log-level=info',
      ],
    };
  },

  async probe(rt) {
    const res = await fetch(`http://${HOST}:${rt.cfg.ports.consulHttp}/v1/status/leader`, {
      signal: AbortSignal.timeout(2000),
    });
    const leader = (await res.json()) as string;
    if (!res.ok || !leader) throw new Error(`no leader yet (HTTP ${res.status})`);
  },
};
