// What an external POP3 account may be set to, checked the same way by the CLI and the admin API.
import net from 'node:net';
import { z } from 'zod';
import { isHostName } from '../config/validators.ts';
import { FETCH_SECURITIES, type FetchSecurity } from '../store/fetch-account-store.ts';

/** Once a week at the least; at the most every second (meant for tests: real servers ask for minutes). */
export const MAX_INTERVAL_SECONDS = 7 * 24 * 3600;
export const DEFAULT_INTERVAL_SECONDS = 300;

/** 995 for implicit TLS (RFC 8314), 110 otherwise. */
export const defaultPort = (security: FetchSecurity): number => (security === 'tls' ? 995 : 110);

/** Sent on a command line: a line break would let it inject commands. */
const oneLine = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max)
    .refine((v) => !/[\r\n\0]/.test(v), 'must not contain line breaks');

export const fetchSettingsSchema = z.object({
  host: z
    .string()
    .max(253)
    .refine((v) => net.isIP(v) !== 0 || isHostName(v), 'expected a host name or an IP address'),
  port: z.number().int().min(1).max(65535),
  security: z.enum(FETCH_SECURITIES as [FetchSecurity, ...FetchSecurity[]]),
  verifyTls: z.boolean(),
  username: oneLine(255),
  password: oneLine(1024),
  intervalSeconds: z.number().int().min(1).max(MAX_INTERVAL_SECONDS),
  keepOnServer: z.boolean(),
  enabled: z.boolean(),
});
