// The shape of an IMAP command handler: the states it is valid in and what it does.
import type { Command, CommandName } from '../protocol/commands.ts';
import type { Completion, ImapContext, ImapState } from './context.ts';

export type { ImapState } from './context.ts';

export interface Handler<C extends Command = Command> {
  states: readonly ImapState[];
  run(session: ImapContext, command: C, tag: string): Promise<Completion>;
}

/** The parsed command with the given name. */
export type CommandOf<N extends CommandName> = Command & { name: N };

export type HandlerTable = { [N in CommandName]: Handler<CommandOf<N>> };

export const ANY: readonly ImapState[] = ['not_authenticated', 'authenticated', 'selected'];
export const LOGGED_IN: readonly ImapState[] = ['authenticated', 'selected'];
export const NOT_LOGGED_IN: readonly ImapState[] = ['not_authenticated'];
/** RFC 5161: ENABLE comes before any mailbox is selected. */
export const AUTHENTICATED_ONLY: readonly ImapState[] = ['authenticated'];
export const SELECTED: readonly ImapState[] = ['selected'];
