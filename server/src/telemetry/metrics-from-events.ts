// Turns the server's events into counter increments: the only place counters change.
import type { EventBus } from './events.ts';
import type { Metrics } from './metrics.ts';

/**
 * prom-client finds a label set's value by building a key from the labels on every call; the events of
 * every message and session ask for the same few sets, so keep each one's child.
 */
function children<T>(make: (value: string) => T): (value: string) => T {
  const made = new Map<string, T>();
  return (value) => {
    let child = made.get(value);
    if (child === undefined) made.set(value, (child = make(value)));
    return child;
  };
}

export function feedMetrics(events: EventBus, m: Metrics): void {
  const processed = children((source) => m.messagesProcessed.labels({ source }));
  const opened = children((protocol) => m.sessionsOpened.labels({ protocol }));
  events.on('message.accepted', ({ source }) => {
    if (source !== 'bounce') processed(source).inc();
  });
  events.on('session.opened', ({ protocol }) => opened(protocol).inc());
  events.on('session.not_reading', ({ protocol }) => m.sessionsClosedNotReading.inc({ protocol }));
  events.on('limit.hit', ({ protocol, limit }) => m.connectionLimitHits.inc({ protocol, limit }));
  events.on('store.disk_full', ({ protocol }) => m.diskFullRefusals.inc({ protocol }));
  events.on('sessions.closed_by_ban', ({ count }) => m.sessionsClosedByBan.inc(count));
  events.on('smtp.rejected', ({ reason }) => m.smtpRejections.inc({ reason }));
  events.on('smtp.greeting_check', ({ result }) => m.greetingChecks.inc({ result }));
  events.on('auth.failed', ({ protocol }) => m.authFailures.inc({ protocol }));
  events.on('admin.auth_failed', ({ endpoint }) => m.adminAuthFailures.inc({ endpoint }));
  events.on('scan.virus', () => m.virusesDetected.inc());
  events.on('scan.spam', ({ action }) => m.spamDetected.inc({ action }));
  events.on('scan.error', ({ scanner }) => m.scanErrors.inc({ scanner }));
  events.on('delivery.finished', ({ destination, result, seconds, recipients }) => {
    m.deliveries.inc({ destination, result }, recipients);
    m.deliveryDuration.observe({ destination }, seconds);
  });
  events.on('delivery.deferred', ({ destination, reason }) => m.deliveryDeferrals.inc({ destination, reason }));
  events.on('delivery.final', ({ destination, result, seconds }) => m.messageQueueTime.observe({ destination, result }, seconds));
}
