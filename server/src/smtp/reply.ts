// The one reply-error type for SMTP: raised anywhere in a hook, smtp-server turns `responseCode` and the
// message into the reply line. Messages start with their own RFC 3463 enhanced code, which the patched
// send() keeps instead of deriving one from the reply code.
export class SmtpReply extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'SmtpReply';
  }
}
