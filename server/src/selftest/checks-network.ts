// Checks of names, addresses and exposure: host name, relay ranges, where the admin port listens.
import ipaddr from 'ipaddr.js';
import type { Config } from '../config/settings.ts';
import { isLoopback, parseCidrList } from '../config/validators.ts';
import type { Warning } from './warning.ts';

export function hostnameWarnings(config: Config): Warning[] {
  const name = config.hostname;
  const fqdn = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/i.test(name) && !/^localhost(\.|$)/i.test(name);
  if (fqdn) return [];
  return [
    {
      id: 'hostname_not_fqdn',
      severity: 'medium',
      message: `The host name "${name}" is not a fully qualified domain name; receivers use it to judge the HELO name and bounces carry it.`,
      remedy: 'Set hostname (MAILROOM_HOSTNAME) to the public name of this server, e.g. mail.example.com, matching its PTR record.',
    },
  ];
}

export function trustedNetworkWarnings(config: Config): Warning[] {
  const ranges = parseCidrList(config.trusted_networks) ?? [];
  const open = ranges.filter(([addr, bits]) => bits < 8 || (addr.kind() === 'ipv6' && bits < 16));
  if (open.length > 0) {
    return [
      {
        id: 'open_relay_trusted_networks',
        severity: 'critical',
        message: `trusted_networks contains ${open.map(([a, b]) => `${a.toString()}/${b}`).join(', ')}: clients there may relay without authentication, which makes Mailroom an open relay.`,
        remedy: 'Limit trusted_networks to the hosts that really relay through this server (e.g. 10.0.0.0/24), or remove it and use authenticated submission.',
      },
    ];
  }
  const publicRanges = ranges.filter(([addr]) => !['private', 'loopback', 'uniqueLocal', 'linkLocal'].includes(addr.range()));
  if (publicRanges.length > 0) {
    return [
      {
        id: 'public_trusted_networks',
        severity: 'high',
        message: `trusted_networks contains public ranges (${publicRanges.map(([a, b]) => `${a.toString()}/${b}`).join(', ')}) that may relay without authentication.`,
        remedy: 'Make sure every host in these ranges is yours; prefer authenticated submission for anything outside your own network.',
      },
    ];
  }
  return [];
}

export function exposureWarnings(config: Config): Warning[] {
  const port = config['admin.port'];
  if (port === null || isLoopback(config.bind) || config.bind === 'localhost') return [];
  let wildcard = false;
  try {
    wildcard = ipaddr.parse(config.bind).range() === 'unspecified';
  } catch {
    // a host name: treat as exposed
  }
  return [
    {
      id: 'admin_port_exposed',
      severity: 'high',
      message: `The admin API and /metrics (port ${port}) listen on ${wildcard ? 'every interface' : config.bind} without TLS: tokens and metrics cross the network in the clear.`,
      remedy: 'Bind to 127.0.0.1 and put a TLS reverse proxy in front, or keep the admin port on a private network only.',
    },
  ];
}
