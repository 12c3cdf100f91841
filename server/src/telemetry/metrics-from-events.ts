// Turns the server's events into counter increments: the only place counters change.
import type { EventBus } from './events.ts';
import type { Metrics } from './metrics.ts';

export function feedMetrics(events: EventBus, m: Metrics): void {
  events.on('message.accepted', ({ source }) => {
    if (source !== 'bounce') m.messagesProcessed.inc({ source });
  });
  events.on('session.opened', ({ protocol }) => m.sessionsOpened.inc({ protocol }));
  events.on('smtp.rejected', ({ reason }) => m.smtpRejections.inc({ reason }));
  events.on('auth.failed', ({ protocol }) => m.authFailures.inc({ protocol }));
  events.on('scan.virus', () => m.virusesDetected.inc());
  events.on('scan.spam', ({ action }) => m.spamDetected.inc({ action }));
  events.on('scan.error', ({ scanner }) => m.scanErrors.inc({ scanner }));
  events.on('delivery.finished', ({ destination, result, seconds, recipients }) => {
    m.deliveries.inc({ destination, result }, recipients);
    m.deliveryDuration.observe({ destination }, seconds);
  });
}
