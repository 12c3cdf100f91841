// Every fuzz target, in the order `npm run fuzz` runs them.
import type { FuzzTarget } from '../harness.ts';
import { messageViewTarget } from './admin-message-view.ts';
import { adminValidationTarget } from './admin-validation.ts';
import { configLoadTarget } from './config-load.ts';
import { dateTimeTarget } from './imap-date-time.ts';
import { fetchItemsTarget } from './imap-fetch-items.ts';
import { imapCommandTarget } from './imap-command.ts';
import { imapCommandReaderTarget } from './imap-command-reader.ts';
import { mailboxNameTarget } from './imap-mailbox-name.ts';
import { mimeTarget } from './imap-mime.ts';
import { searchKeysTarget } from './imap-search-keys.ts';
import { sequenceSetTarget } from './imap-sequence-set.ts';
import { pop3ParserTarget } from './pop3-parser.ts';
import { saslPlainTarget } from './sasl-plain.ts';
import { smtpDataTarget } from './smtp-data.ts';
import { hopCountTarget } from './smtp-hop-count.ts';
import { smtpParametersTarget } from './smtp-parameters.ts';
import { submissionHeadersTarget } from './smtp-submission-headers.ts';
import { addressTarget } from './util-address.ts';

export const TARGETS: readonly FuzzTarget[] = [
  imapCommandTarget,
  imapCommandReaderTarget,
  sequenceSetTarget,
  searchKeysTarget,
  fetchItemsTarget,
  dateTimeTarget,
  mailboxNameTarget,
  mimeTarget,
  pop3ParserTarget,
  smtpParametersTarget,
  smtpDataTarget,
  hopCountTarget,
  submissionHeadersTarget,
  addressTarget,
  saslPlainTarget,
  configLoadTarget,
  adminValidationTarget,
  messageViewTarget,
];
