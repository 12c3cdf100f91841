// Value kinds a setting can have. Each kind knows how to read itself from an environment variable
// (always a string) and from YAML (already typed), so both sources go through one zod schema.
import { z } from 'zod';

const fromEnvNumber = (v: unknown) => (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v);
const fromEnvBool = (v: unknown) => {
  if (typeof v !== 'string') return v;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  return v;
};
const fromEnvList = (v: unknown) =>
  typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : v;

/** A TCP port, 0 for "any free port" (tests), or `off` to disable the listener (null). */
export const port = z.preprocess(
  (v) => (v === 'off' || v === false ? null : fromEnvNumber(v)),
  z.union([z.null(), z.number().int().min(0).max(65535)], { error: "expected a port number (0-65535) or 'off'" }),
);
export const positiveInt = z.preprocess(fromEnvNumber, z.number().int().positive());
export const nonNegativeInt = z.preprocess(fromEnvNumber, z.number().int().min(0));
export const bool = z.preprocess(fromEnvBool, z.boolean());
export const text = z.string().min(1);
export const optionalText = z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional());
export const list = z.preprocess(fromEnvList, z.array(z.string().min(1)));
export const secondsList = z.preprocess(
  (v) => (typeof v === 'string' ? (fromEnvList(v) as string[]).map(fromEnvNumber) : v),
  z.array(z.number().positive()).min(1),
);
