// Checks of credentials and certificates: the admin and metrics tokens, the STARTTLS certificate.
import crypto from 'node:crypto';
import type { Config } from '../config/settings.ts';
import { MIN_TOKEN_LENGTH, tokenWeakness } from './token-strength.ts';
import type { Warning } from './warning.ts';

const CERT_EXPIRY_WARNING_DAYS = 14;

/**
 * The admin API tokens (admin.token, admin.tokens) and the /metrics token: missing, or weak by
 * token-strength.ts. Warnings name tokens by their setting and name, and give counts; never a token.
 */
export function adminTokenWarnings(config: Config, issuedTokens = 0): Warning[] {
  const warnings: Warning[] = [];
  const token = config['admin.token'];
  if (token === undefined && config['admin.tokens'].length === 0 && issuedTokens === 0) {
    warnings.push({
      id: 'admin_token_missing',
      severity: 'high',
      message: 'No admin token is configured: the admin API (and the Grafana app) cannot be used.',
      remedy:
        'Create one with `mailroom token create --role admin --name NAME` (printed once, accepted at once), or set admin.token (MAILROOM_ADMIN_TOKEN) to a long random value, e.g. the output of `openssl rand -hex 32`.',
    });
  }
  const apiTokens = [
    ...(token === undefined ? [] : [{ label: 'admin.token', token }]),
    ...config['admin.tokens'].map((t) => ({ label: `admin.tokens entry "${t.name}" (${t.role})`, token: t.token })),
  ];
  const weak = apiTokens.flatMap(({ label, token }) => {
    const why = tokenWeakness(token);
    return why === null ? [] : [`${label}: ${why}`];
  });
  if (weak.length > 0) {
    warnings.push({
      id: 'admin_token_weak',
      severity: 'high',
      message: `Weak admin API token${weak.length > 1 ? 's' : ''}, which could be guessed: ${weak.join('; ')}.`,
      remedy: `Use at least ${MIN_TOKEN_LENGTH} random characters for every admin token, e.g. the output of \`openssl rand -hex 32\`.`,
    });
  }
  const metricsToken = config['admin.metrics_token'];
  const metricsWhy = metricsToken === undefined ? null : tokenWeakness(metricsToken);
  if (metricsWhy !== null) {
    warnings.push({
      id: 'metrics_token_weak',
      severity: 'medium',
      message: `The /metrics token (admin.metrics_token) is weak, which could be guessed: ${metricsWhy}. Metrics show traffic, queue and account activity.`,
      remedy: `Use at least ${MIN_TOKEN_LENGTH} random characters, e.g. the output of \`openssl rand -hex 32\`, in admin.metrics_token and the scraper's bearer token.`,
    });
  }
  return warnings;
}

export interface CertificateFacts {
  pem: Buffer;
  selfSigned: boolean;
  file: string;
}

export function certificateWarnings(cert: CertificateFacts, now: number): Warning[] {
  const warnings: Warning[] = [];
  let x509: crypto.X509Certificate;
  try {
    x509 = new crypto.X509Certificate(cert.pem);
  } catch (err) {
    return [
      {
        id: 'tls_certificate_invalid',
        severity: 'critical',
        message: `The STARTTLS certificate ${cert.file} cannot be read: ${(err as Error).message}`,
        remedy: 'Point tls.cert_file at a valid PEM certificate.',
      },
    ];
  }
  const validTo = Date.parse(x509.validTo);
  if (validTo <= now) {
    warnings.push({
      id: 'tls_certificate_expired',
      severity: 'critical',
      message: `The STARTTLS certificate expired on ${new Date(validTo).toISOString()}; senders that verify will not deliver.`,
      remedy: 'Renew the certificate and restart Mailroom.',
    });
  } else if (validTo - now < CERT_EXPIRY_WARNING_DAYS * 86_400_000) {
    const days = Math.floor((validTo - now) / 86_400_000);
    warnings.push({
      id: 'tls_certificate_expiring',
      severity: 'high',
      message: `The STARTTLS certificate expires in ${days} day(s), on ${new Date(validTo).toISOString()}.`,
      remedy: 'Renew the certificate before it expires and restart Mailroom.',
    });
  }
  // Self-signed: issued by itself and verified by its own key (checkIssued also wants keyCertSign,
  // which many self-signed server certificates lack).
  if (cert.selfSigned || (x509.issuer === x509.subject && x509.verify(x509.publicKey))) {
    warnings.push({
      id: 'tls_certificate_self_signed',
      severity: 'medium',
      message: `STARTTLS uses a self-signed certificate (${cert.file}); clients cannot verify the server.`,
      remedy: "Set tls.cert_file and tls.key_file to a certificate from a CA (e.g. Let's Encrypt) for the host name.",
    });
  }
  return warnings;
}
