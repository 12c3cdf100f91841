// From failed recipients to a bounce message ready for the queue. Where the DSN goes is looked up
// first (it needs the directory); the message is then built from the failures the store actually
// records, inside the transaction that records them (Store.recordOutcomes, Store.failMessage), so a
// crash can neither lose a bounce nor send one for a failure that was not recorded.
import { signWithKey } from '../dkim/signer.ts';
import type { DkimKey } from '../store/dkim-key-store.ts';
import type { Log as Logger } from '../telemetry/log.ts';
import type { DirectoryStore } from '../store/store.ts';
import type { DeliveryJob, NewMessage } from '../store/types.ts';
import { newQueueId } from '../util/ids.ts';
import { buildBounce, type FailedRecipient } from './dsn.ts';
import type { ListLookup } from './list-expansion.ts';
import { decideRecipient } from './recipient-policy.ts';

export type Original = Pick<DeliveryJob, 'messageId' | 'sender' | 'createdAt'>;
/** Builds the DSN for the given failures, or null when there is nowhere to send it. */
export type BounceBuilder = (failed: FailedRecipient[]) => NewMessage | null;

const nowhere: BounceBuilder = () => null;

/**
 * `signingKey`: the DKIM key for the host name's domain (DkimSigner.hostKey), looked up before the
 * transaction; a bounce leaving for another server is signed with it (synchronously, inside the
 * transaction that records the failures), one for a local mailbox is not (it never leaves).
 */
export async function prepareBounce(
  hostname: string,
  original: Original,
  content: Buffer,
  directory: DirectoryStore & ListLookup,
  log: Logger,
  signingKey: DkimKey | null = null,
): Promise<BounceBuilder> {
  // The null sender is what bounces use: a bounce never bounces again.
  if (original.sender === '') return nowhere;
  // A bounce may go wherever the original sender is (local account, alias or a remote address).
  const decision = await decideRecipient(original.sender, { authenticated: true, trusted: true }, directory);
  if (!decision.ok) {
    log.warn({ sender: original.sender, reason: decision.reason }, 'cannot return a bounce to the sender; none will be sent');
    return nowhere;
  }
  return (failed) => {
    if (failed.length === 0) return null;
    const dsn = buildBounce({ hostname, queueId: original.messageId, sender: original.sender, arrivedAt: original.createdAt, failed, original: content });
    if (!dsn) return null;
    return {
      id: newQueueId(),
      sender: '',
      recipients: decision.recipients,
      content: decision.recipients.some((r) => r.destination === 'remote') && signingKey ? signed(dsn, signingKey, log) : dsn,
      source: 'bounce',
    };
  };
}

function signed(dsn: Buffer, key: DkimKey, log: Logger): Buffer {
  const result = signWithKey(dsn, key);
  if (result.kind === 'failed') log.warn({ error: result.error }, 'DKIM signing of a bounce failed; sent unsigned');
  return result.kind === 'signed' ? Buffer.concat([Buffer.from(result.header), dsn]) : dsn;
}
