// Changes made by another node, announced so this one need not wait for its next poll. A hint only:
// a topic may fire when nothing changed (a node hears its own announcements, and everything fires once
// after a reconnect, since announcements sent meanwhile are lost), and a change may go unannounced;
// whoever listens re-reads the store, and keeps polling as the safety net.
//
// PostgreSQL announces through LISTEN/NOTIFY (postgres/change-feed.ts). SQLite announces nothing: one
// process serves the file, its own changes take effect in memory at once, and the CLI's changes (another
// process) are found by the polls.

/** bans: a ban added or lifted; queue: messages made due now (send now, release) by an operator. */
export type ChangeTopic = 'bans' | 'queue';

export const CHANGE_TOPICS: readonly ChangeTopic[] = ['bans', 'queue'];

export interface ChangeFeed {
  /** Calls listener when another node (or this one) announces a change of topic; returns the unsubscribe. */
  onChange(topic: ChangeTopic, listener: () => void): () => void;
}

/** The feed of a store with nobody else to hear from. */
export const SILENT_CHANGE_FEED: ChangeFeed = { onChange: () => () => undefined };
