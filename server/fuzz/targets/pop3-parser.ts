// POP3 command lines (pop3/parser.ts) and their numeric arguments.
import fc from 'fast-check';
import { lineCount, messageNumber, parseCommand } from '../../src/pop3/parser.ts';
import { Pop3Error } from '../../src/pop3/reply.ts';
import { tokens, toBuffer } from '../arbitraries.ts';
import { onlyThrows, type FuzzTarget } from '../harness.ts';

const DICTIONARY = [
  'USER',
  'PASS',
  'STAT',
  'LIST',
  'RETR',
  'DELE',
  'TOP',
  'UIDL',
  'QUIT',
  'CAPA',
  'STLS',
  'AUTH PLAIN',
  'noop',
  ' ',
  ' ',
  '\t',
  '1',
  '0',
  '4294967296',
  '99999999999',
  '-1',
  '\x00',
  '\r',
  '\u00e4',
  'AGFsaWNlAHB3',
];

export const pop3ParserTarget: FuzzTarget = {
  name: 'pop3/parser',
  checks: 'parseCommand gives an upper-case 3-4 letter keyword with arguments that rebuild the line, or throws Pop3Error; message numbers and line counts are integers in range or Pop3Error',
  property: fc.property(tokens(DICTIONARY, 10), (text) => {
    const command = onlyThrows(Pop3Error, () => parseCommand(toBuffer(text)));
    if (command instanceof Error) return true;
    if (!/^[A-Z]{3,4}$/.test(command.name)) throw new Error(`keyword ${command.name}`);
    if (
      command.args.join(' ') !==
      command.rest
        .split(' ')
        .filter((a) => a !== '')
        .join(' ')
    )
      throw new Error('arguments are not the rest of the line');
    for (const arg of [...command.args, undefined]) {
      const n = onlyThrows(Pop3Error, () => messageNumber(arg));
      if (typeof n === 'number' && !(Number.isSafeInteger(n) && n >= 1)) throw new Error(`message number ${n}`);
      const lines = onlyThrows(Pop3Error, () => lineCount(arg));
      if (typeof lines === 'number' && !(Number.isSafeInteger(lines) && lines >= 0)) throw new Error(`line count ${lines}`);
    }
    return true;
  }),
};
