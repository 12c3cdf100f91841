import { describe, expect, it } from 'vitest';
import { LOKI_SERVICE_NAME } from './logql';
import { matchesMessageLogQL, MESSAGE_SERVICE_NAME, messageLogQL } from './messageLogql';

describe('messageLogQL', () => {
  it("selects Mailroom's stream and filters the lines on the queue id", () => {
    expect(messageLogQL(' 1M90XDX92B43ZBESF ')).toBe('{service_name="mailroom"} |= "1M90XDX92B43ZBESF"');
  });

  it('selects the same stream as the live log', () => {
    expect(MESSAGE_SERVICE_NAME).toBe(LOKI_SERVICE_NAME);
  });

  it('escapes what would end the string', () => {
    expect(messageLogQL('a"b\\c')).toBe('{service_name="mailroom"} |= "a\\"b\\\\c"');
  });

  it("matches a line of the message and not another message's, nor another service's", () => {
    const line = '{"level":30,"category":"delivery","queueId":"1M90XDX92B43ZBESF","msg":"delivery attempt"}';
    expect(matchesMessageLogQL('1M90XDX92B43ZBESF', { service_name: 'mailroom' }, line)).toBe(true);
    expect(matchesMessageLogQL('1M90XDXEY6ZKYCJRQ', { service_name: 'mailroom' }, line)).toBe(false);
    expect(matchesMessageLogQL('1M90XDX92B43ZBESF', { service_name: 'other' }, line)).toBe(false);
  });
});
