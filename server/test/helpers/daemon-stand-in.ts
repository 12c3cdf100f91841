// A loopback TCP port that stands in for clamd or spamd: `silent` accepts connections and never answers
// (a hung daemon: the kernel accepts, nothing replies), `forward` pipes each connection to the real daemon
// behind it. Switching modes lets a test take a daemon down and bring it back at the same address.
import net from 'node:net';

export class DaemonStandIn {
  private mode: 'silent' | 'forward' = 'silent';
  private readonly open = new Set<net.Socket>();
  /** Connections accepted while silent. */
  accepted = 0;

  private constructor(
    private readonly server: net.Server,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }): Promise<DaemonStandIn> {
    let standIn: DaemonStandIn | null = null;
    // Half-open allowed: spamc half-closes after the request, and a hung daemon does not close back.
    const server = net.createServer({ allowHalfOpen: true }, (socket) => standIn!.accept(socket));
    standIn = new DaemonStandIn(server, target);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return standIn;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  silent(): void {
    this.mode = 'silent';
  }

  /** Answers from now on; connections left hanging while silent are closed, as a restart would. */
  forward(): void {
    this.mode = 'forward';
    for (const s of this.open) s.destroy();
    this.open.clear();
  }

  async close(): Promise<void> {
    for (const s of this.open) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    socket.on('error', () => {});
    if (this.mode === 'silent') {
      this.accepted++;
      this.open.add(socket);
      socket.once('close', () => this.open.delete(socket));
      socket.resume(); // read and drop what is sent, like a daemon stuck before it answers
      return;
    }
    const upstream = net.connect(this.target);
    upstream.on('error', () => socket.destroy());
    socket.pipe(upstream);
    upstream.pipe(socket);
  }
}
