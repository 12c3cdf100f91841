// The shape of a POP3 command: where it is allowed and what it does.
import type { Pop3Command } from '../parser.ts';
import type { Pop3State } from '../state.ts';
import type { Pop3Context } from './context.ts';

export interface Pop3CommandSpec {
  name: string;
  states: readonly Pop3State[];
  run(session: Pop3Context, command: Pop3Command): Promise<void>;
}
