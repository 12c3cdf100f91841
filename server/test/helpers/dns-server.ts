// A DNS server for tests, on loopback (UDP and TCP on one ephemeral port), answering from a zone object
// with dns-packet doing the wire format. Tests point Mailroom's dns.servers at it, so nothing ever asks
// the system's resolvers. It can also misbehave on purpose: stay silent (the client times out), answer
// SERVFAIL or REFUSED, for every name or for one; UDP answers longer than 512 bytes come back truncated
// (TC set, no records), so the client must ask again over TCP as a real resolver would make it.
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket, { type Answer, type Packet, type Question } from 'dns-packet';

export interface ZoneRecords {
  A?: string[];
  AAAA?: string[];
  MX?: Array<{ exchange: string; priority: number }>;
  /** Each record a string (split into 255-byte character strings as needed) or its character strings. */
  TXT?: Array<string | string[]>;
  PTR?: string[];
  CNAME?: string;
}

/** Names (any case, no trailing dot) and their records. A name absent is NXDOMAIN; present without the type asked, NODATA. */
export type Zone = Record<string, ZoneRecords>;

export type Misbehaviour = 'silent' | 'servfail' | 'refused';

export interface AskedQuery {
  name: string;
  type: string;
  transport: 'udp' | 'tcp';
}

const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;
/** CNAMEs followed in one answer; a loop stops here. */
const MAX_CNAME_CHAIN = 8;
/** Classic DNS over UDP: longer answers are truncated (RFC 1035 4.2.1), whatever EDNS the client offers. */
const UDP_MAX_BYTES = 512;

/** The PTR name of an IPv4 address: 192.0.2.1 → 1.2.0.192.in-addr.arpa. */
export const ptrName = (ipv4: string): string => `${ipv4.split('.').reverse().join('.')}.in-addr.arpa`;

export class TestDnsServer {
  /** Every question received, in order. */
  readonly queries: AskedQuery[] = [];
  /** Misbehaviour for every query (null: answer from the zone). */
  mode: Misbehaviour | null = null;
  /** Misbehaviour for one name (lower case), before `mode`. */
  readonly misbehave = new Map<string, Misbehaviour>();
  private readonly tcpSockets = new Set<net.Socket>();

  private constructor(
    public zone: Zone,
    private readonly udp: dgram.Socket,
    private readonly tcp: net.Server,
    readonly port: number,
  ) {
    udp.on('message', (msg, rinfo) => {
      const reply = this.answer(msg, 'udp');
      if (reply) udp.send(reply, rinfo.port, rinfo.address);
    });
    tcp.on('connection', (socket) => this.serveTcp(socket));
  }

  static async start(zone: Zone = {}): Promise<TestDnsServer> {
    // UDP first on an ephemeral port, then TCP on the same number; rarely that one is taken for TCP.
    for (let attempt = 0; attempt < 20; attempt++) {
      const udp = dgram.createSocket('udp4');
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(0, '127.0.0.1', () => resolve());
      });
      const port = udp.address().port;
      const tcp = net.createServer();
      const ok = await new Promise<boolean>((resolve) => {
        tcp.once('error', () => resolve(false));
        tcp.listen(port, '127.0.0.1', () => resolve(true));
      });
      if (ok) return new TestDnsServer(zone, udp, tcp, port);
      udp.close();
    }
    throw new Error('no port free for both UDP and TCP');
  }

  /** The value for MAILROOM_DNS_SERVERS. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Questions asked for one name (any case), optionally of one type. */
  asked(name: string, type?: string): AskedQuery[] {
    const n = normal(name);
    return this.queries.filter((q) => q.name === n && (type === undefined || q.type === type));
  }

  /** Lets the process exit while the server is still open (a server shared by a whole test file). */
  unref(): void {
    this.udp.unref();
    this.tcp.unref();
  }

  async close(): Promise<void> {
    for (const socket of this.tcpSockets) socket.destroy();
    await new Promise<void>((resolve) => this.udp.close(() => resolve()));
    await new Promise<void>((resolve) => this.tcp.close(() => resolve()));
  }

  private serveTcp(socket: net.Socket): void {
    this.tcpSockets.add(socket);
    socket.on('close', () => this.tcpSockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      // Each message is preceded by its length in two bytes (RFC 1035 4.2.2).
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const message = pending.subarray(2, 2 + pending.readUInt16BE(0));
        pending = pending.subarray(2 + message.length);
        const reply = this.answer(message, 'tcp');
        if (reply) {
          const framed = Buffer.alloc(2 + reply.length);
          framed.writeUInt16BE(reply.length, 0);
          reply.copy(framed, 2);
          socket.write(framed);
        }
      }
    });
  }

  /** The encoded reply to one query, or null to stay silent. */
  private answer(message: Buffer, transport: 'udp' | 'tcp'): Buffer | null {
    let query: Packet;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return null;
    }
    const question = query.questions?.[0];
    if (!question) return null;
    const name = normal(question.name);
    this.queries.push({ name, type: question.type, transport });
    const misbehaviour = this.misbehave.get(name) ?? this.mode;
    if (misbehaviour === 'silent') return null;
    const reply = (rcode: number, answers: Answer[] = [], extraFlags = 0): Buffer =>
      dnsPacket.encode({
        type: 'response',
        id: query.id ?? 0,
        flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | extraFlags | rcode,
        questions: [question],
        answers,
      });
    if (misbehaviour === 'servfail') return reply(RCODE.SERVFAIL);
    if (misbehaviour === 'refused') return reply(RCODE.REFUSED);
    const found = this.lookup(question);
    if (found === null) return reply(RCODE.NXDOMAIN);
    const full = reply(RCODE.NOERROR, found);
    if (transport === 'udp' && full.length > UDP_MAX_BYTES) return reply(RCODE.NOERROR, [], dnsPacket.TRUNCATED_RESPONSE);
    return full;
  }

  /**
   * The records answering a question (following CNAMEs, as an authoritative server for every name would),
   * or null when the name does not exist. A CNAME loop is followed a few times and the chain answered as
   * it stands, without a record of the type asked, so a client sees the loop rather than the server hang.
   */
  private lookup(question: Question, depth = 0): Answer[] | null {
    const name = normal(question.name);
    const records = Object.entries(this.zone).find(([n]) => normal(n) === name)?.[1];
    if (!records) return null;
    const base = { name: question.name, ttl: 60, class: 'IN' as const };
    if (records.CNAME && question.type !== 'CNAME') {
      const target = depth < MAX_CNAME_CHAIN ? (this.lookup({ ...question, name: records.CNAME }, depth + 1) ?? []) : [];
      return [{ ...base, type: 'CNAME', data: records.CNAME }, ...target];
    }
    switch (question.type) {
      case 'A':
      case 'AAAA':
      case 'PTR':
        return (records[question.type] ?? []).map((data) => ({ ...base, type: question.type as 'A', data }));
      case 'CNAME':
        return records.CNAME ? [{ ...base, type: 'CNAME', data: records.CNAME }] : [];
      case 'MX':
        return (records.MX ?? []).map((mx) => ({ ...base, type: 'MX', data: { exchange: mx.exchange, preference: mx.priority } }));
      case 'TXT':
        return (records.TXT ?? []).map((txt) => ({ ...base, type: 'TXT', data: typeof txt === 'string' ? chunks(txt) : txt }));
      default:
        return [];
    }
  }
}

function normal(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** A TXT value as character strings of at most 255 bytes. */
function chunks(value: string): Buffer[] {
  const bytes = Buffer.from(value);
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 255) out.push(bytes.subarray(i, i + 255));
  return out.length > 0 ? out : [Buffer.alloc(0)];
}

let emptyZone: Promise<TestDnsServer> | null = null;

/**
 * One DNS server per test process with an empty zone: every name is NXDOMAIN, as `.test` names are in the
 * real world. The helpers that start Mailroom point MAILROOM_DNS_SERVERS at it unless the test brings its
 * own; its sockets do not keep the process alive.
 */
export function emptyZoneDns(): Promise<TestDnsServer> {
  emptyZone ??= TestDnsServer.start({}).then((server) => {
    server.unref();
    return server;
  });
  return emptyZone;
}

/**
 * Throws unless MAILROOM_DNS_SERVERS names only loopback servers: a Mailroom started by a test must never
 * ask the system's resolvers (issue 14 item 7).
 */
export function assertLoopbackDns(env: Record<string, string | undefined>): void {
  const value = env.MAILROOM_DNS_SERVERS ?? '';
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const loopback = (entry: string) => /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}(:\d+)?|\[::1\](:\d+)?|::1)$/.test(entry);
  if (entries.length === 0 || !entries.every(loopback)) {
    throw new Error(`a test server would use the system's DNS resolvers: MAILROOM_DNS_SERVERS is ${JSON.stringify(value)}; point it at a TestDnsServer (helpers/dns-server.ts) on loopback`);
  }
}
