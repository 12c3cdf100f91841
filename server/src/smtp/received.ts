// The Received trace header (RFC 5321 section 4.4) that every accepting hop prepends.
import { rfc2822Date } from '../util/date.ts';

export interface ReceivedInfo {
  helo: string;
  clientHostname?: string | undefined;
  clientAddress: string;
  hostname: string;
  protocol: 'SMTP' | 'ESMTP' | 'ESMTPS' | 'ESMTPA' | 'ESMTPSA';
  queueId: string;
  recipient?: string | undefined; // only named when there is exactly one
  date?: Date;
}

export function receivedHeader(info: ReceivedInfo): string {
  const clean = (s: string) => s.replace(/[\r\n()\\]/g, '').slice(0, 255);
  const from = clean(info.helo || 'unknown');
  const addressLiteral = info.clientAddress.includes(':') ? `IPv6:${info.clientAddress}` : info.clientAddress;
  const via = info.clientHostname ? `${clean(info.clientHostname)} [${addressLiteral}]` : `[${addressLiteral}]`;
  const forPart = info.recipient ? `\r\n\tfor <${clean(info.recipient)}>` : '';
  return `Received: from ${from} (${via})\r\n\tby ${info.hostname} (Mailroom) with ${info.protocol} id ${info.queueId}${forPart};\r\n\t${rfc2822Date(info.date ?? new Date())}\r\n`;
}
