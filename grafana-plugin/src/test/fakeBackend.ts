// A stand-in for Grafana's backendSrv in unit tests: answers by method and path (the part after the plugin
// proxy prefix), records every call with its params and body, and fails the way Grafana does (FetchError
// with status, data, statusText). Unmatched calls answer 404 like Grafana's proxy with no matching route.
import { setBackendSrv, type BackendSrv, type BackendSrvRequest, type FetchResponse } from '@grafana/runtime';
import { Observable } from 'rxjs';
import { PROXY_BASE } from '../constants';

export interface RecordedCall {
  method: string;
  url: string;
  /** url without the plugin proxy prefix, e.g. /api/v1/queue */
  path: string;
  params?: Record<string, unknown>;
  data?: unknown;
  responseType?: string;
}

export interface Reply {
  status?: number;
  data?: unknown;
  statusText?: string;
}

type Responder = Reply | ((call: RecordedCall) => Reply | Promise<Reply>);

interface Handler {
  method: string;
  path: string | RegExp;
  responder: Responder;
  once: boolean;
}

export class FakeBackend {
  readonly calls: RecordedCall[] = [];
  private handlers: Handler[] = [];

  /** Answer `method path` with data (status 200) or a Reply or a function of the call. */
  on(method: string, path: string | RegExp, responder: Responder, once = false): this {
    this.handlers.unshift({ method, path, responder, once });
    return this;
  }

  ok(method: string, path: string | RegExp, data: unknown): this {
    return this.on(method, path, { status: 200, data });
  }

  fail(method: string, path: string | RegExp, status: number, data?: unknown, statusText?: string): this {
    return this.on(method, path, { status, data, statusText });
  }

  /** Never answers: for loading states. */
  hang(method: string, path: string | RegExp): this {
    return this.on(method, path, () => new Promise<Reply>(() => {}));
  }

  callsTo(method: string, path: string | RegExp): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && (typeof path === 'string' ? c.path === path : path.test(c.path)));
  }

  install(): this {
    const srv = { fetch: (options: BackendSrvRequest) => this.fetch(options) } as unknown as BackendSrv;
    setBackendSrv(srv);
    return this;
  }

  private fetch(options: BackendSrvRequest): Observable<FetchResponse<unknown>> {
    const method = (options.method ?? 'GET').toUpperCase();
    const path = options.url.startsWith(PROXY_BASE) ? options.url.slice(PROXY_BASE.length) : options.url;
    const call: RecordedCall = { method, url: options.url, path, params: options.params, data: options.data, responseType: options.responseType };
    this.calls.push(call);
    const index = this.handlers.findIndex((h) => h.method === method && (typeof h.path === 'string' ? h.path === path : h.path.test(path)));
    const handler = index >= 0 ? this.handlers[index] : undefined;
    if (handler?.once) this.handlers.splice(index, 1);
    return new Observable((subscriber) => {
      const reply: Promise<Reply> = handler
        ? Promise.resolve(typeof handler.responder === 'function' ? handler.responder(call) : handler.responder)
        : Promise.resolve({ status: 404, data: { message: 'plugin route match not found' } });
      reply.then((r) => {
        const status = r.status ?? 200;
        if (status >= 200 && status < 300) {
          subscriber.next({
            data: r.data,
            status,
            statusText: r.statusText ?? 'OK',
            ok: true,
            headers: new Headers(),
            redirected: false,
            type: 'basic',
            url: options.url,
            config: options,
          } as FetchResponse<unknown>);
          subscriber.complete();
        } else {
          subscriber.error({ status, data: r.data, statusText: r.statusText ?? '', config: options });
        }
      });
    });
  }
}
