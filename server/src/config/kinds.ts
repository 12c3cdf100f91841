// Value kinds a setting can have. Each kind knows how to read itself from an environment variable
// (always a string) and from YAML (already typed), so both sources go through one zod schema.
import net from 'node:net';
import { z } from 'zod';
import { isHostName, parseCidr, parseHostPort } from './validators.ts';

const fromEnvNumber = (v: unknown) => (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v);
const fromEnvBool = (v: unknown) => {
  if (typeof v !== 'string') return v;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  return v;
};
const fromEnvList = (v: unknown) =>
  typeof v === 'string'
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : v;
// An empty environment variable means "unset" for optional settings (MAILROOM_RELAY= clears it).
const emptyIsUnset = (v: unknown) => (v === '' ? undefined : v);

/** A TCP port, 0 for "any free port" (tests), or `off` to disable the listener (null). */
const PORT_MESSAGE = "expected a port number (0-65535) or 'off'";
export const port = z.preprocess(
  (v) => (v === 'off' || v === false ? null : fromEnvNumber(v)),
  z.union([z.null(), z.number().int(PORT_MESSAGE).min(0, PORT_MESSAGE).max(65535, PORT_MESSAGE)], { error: PORT_MESSAGE }),
);
export const positiveInt = z.preprocess(fromEnvNumber, z.number({ error: 'expected a whole number' }).int('expected a whole number').positive('expected a number above 0'));
export const nonNegativeInt = z.preprocess(fromEnvNumber, z.number({ error: 'expected a whole number' }).int('expected a whole number').min(0, 'expected 0 or more'));
/** A whole number from min to max: sizes and counts whose extremes would break a protocol or the server. */
export const intBetween = (min: number, max: number) => {
  const message = `expected a whole number from ${min} to ${max}`;
  return z.preprocess(fromEnvNumber, z.number({ error: message }).int(message).min(min, message).max(max, message));
};
export const bool = z.preprocess(fromEnvBool, z.boolean({ error: 'expected true or false' }));
export const text = z.string().min(1, 'must not be empty');
export const optionalText = z.preprocess(emptyIsUnset, z.string().min(1).optional());
export const list = z.preprocess(fromEnvList, z.array(z.string().min(1)));
export const secondsList = z.preprocess(
  (v) => (typeof v === 'string' ? (fromEnvList(v) as string[]).map(fromEnvNumber) : v),
  z.array(z.number({ error: 'expected a list of seconds such as 60,300,900' }).positive('delays must be above 0')).min(1, 'expected at least one delay'),
);

/** A host name as this server calls itself (greeting, Received, bounces): no spaces, no line breaks. */
export const hostName = z.string().refine(isHostName, 'expected a host name such as mx.example.com');
/** Where listeners bind: an IP address (0.0.0.0 and :: for all) or a name that resolves to one. */
export const bindAddress = z.string().refine((v) => net.isIP(v) !== 0 || isHostName(v), 'expected an IP address such as 127.0.0.1, 0.0.0.0 or ::');
/** A mailbox address, checked loosely here; the SMTP code parses it strictly where it is used. */
export const optionalAddress = z.preprocess(
  emptyIsUnset,
  z
    .string()
    .refine((v) => /^[^\s@<>"]+@[^\s@<>]+$/.test(v) && isHostName(v.slice(v.lastIndexOf('@') + 1)), 'expected an address such as admin@example.com')
    .optional(),
);
/** `host:port` of a smarthost, or unset. */
export const optionalHostPort = z.preprocess(
  emptyIsUnset,
  z
    .string()
    .refine((v) => parseHostPort(v) !== null, "expected 'host:port' such as smtp.example.com:587 or [2001:db8::1]:25")
    .optional(),
);
/** CIDR ranges; each bad entry is named with the reason. */
export const cidrList = list.superRefine((values, ctx) => {
  for (const v of values) {
    const parsed = parseCidr(v);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not a CIDR range: ${parsed}` });
  }
});

/** Roles of admin API tokens, lowest first (admin/auth.ts gives them meaning). */
export const API_ROLES = ['viewer', 'operator', 'admin'] as const;
export interface ApiTokenSetting {
  name: string;
  role: (typeof API_ROLES)[number];
  token: string;
}
const API_TOKEN = /^([A-Za-z0-9_.-]{1,64}):([a-z]+):(\S+)$/;

/** `name:role:token` entries. Errors name the entry by its name or position, never by its token. */
export const apiTokens = list.transform((values, ctx): ApiTokenSetting[] => {
  const out: ApiTokenSetting[] = [];
  values.forEach((v, i) => {
    const m = API_TOKEN.exec(v);
    const role = m?.[2] as ApiTokenSetting['role'] | undefined;
    if (!m || !role || !API_ROLES.includes(role)) {
      const which = m ? `entry "${m[1]}"` : `entry ${i + 1}`;
      ctx.addIssue({ code: 'custom', message: `${which} is not name:role:token with role one of ${API_ROLES.join(', ')}` });
      return;
    }
    if (out.some((t) => t.name === m[1])) ctx.addIssue({ code: 'custom', message: `token name "${m[1]}" appears twice` });
    out.push({ name: m[1]!, role, token: m[3]! });
  });
  return out;
});
