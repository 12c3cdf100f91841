// RFC 5322 address lists as ENVELOPE needs them (RFC 3501 section 7.4.2): display name, source route,
// mailbox and host, with group syntax. Display names are kept as sent (encoded-words stay encoded);
// input that is not an address list still yields something sensible rather than an error.

export interface Address {
  name: string | null;
  adl: string | null;
  mailbox: string | null;
  host: string | null;
}

type Token = { t: 'word' | 'quoted' | 'literal' | 'comment'; v: string } | { t: 'special'; v: string };

const SPECIALS = '<>,:;@.';
const MAX_ADDRESSES = 1000;

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
    } else if (c === '(') {
      // Kept: "user@host (Real Name)" names its owner in a comment (RFC 822 style, still sent).
      let depth = 0;
      let v = '';
      for (; i < s.length; i++) {
        if (s[i] === '\\') v += s[++i] ?? '';
        else if (s[i] === '(' && depth++ === 0) continue;
        else if (s[i] === ')' && --depth === 0) break;
        else v += s[i];
      }
      i++;
      out.push({ t: 'comment', v: v.trim() });
    } else if (c === '"') {
      let v = '';
      for (i++; i < s.length && s[i] !== '"'; i++) v += s[i] === '\\' ? (s[++i] ?? '') : s[i];
      i++;
      out.push({ t: 'quoted', v });
    } else if (c === '[') {
      const close = s.indexOf(']', i);
      const stop = close < 0 ? s.length : close + 1;
      out.push({ t: 'literal', v: s.slice(i, stop) });
      i = stop;
    } else if (SPECIALS.includes(c)) {
      out.push({ t: 'special', v: c });
      i++;
    } else {
      let v = '';
      while (i < s.length && !' \t\r\n()"[<>,:;@'.includes(s[i]!) && !(s[i] === '.' && v === '')) v += s[i++];
      if (v === '') {
        i++;
        continue;
      }
      out.push({ t: 'word', v });
    }
  }
  return out;
}

class Parser {
  i = 0;
  readonly out: Address[] = [];
  /** Comments passed over since the current address began. */
  private comments: string[] = [];

  constructor(private readonly tokens: Token[]) {}

  /** The next token that is not a comment; comments are collected on the way. */
  private peek(): Token | undefined {
    for (let t = this.tokens[this.i]; t?.t === 'comment'; t = this.tokens[++this.i]) this.comments.push(t.v);
    return this.tokens[this.i];
  }

  private isSpecial(v: string): boolean {
    const t = this.peek();
    return t !== undefined && t.t === 'special' && t.v === v;
  }

  list(): Address[] {
    while (this.i < this.tokens.length && this.out.length < MAX_ADDRESSES) {
      if (this.isSpecial(',') || this.isSpecial(';') || this.isSpecial('>')) {
        this.i++;
        continue;
      }
      this.entry(true);
    }
    return this.out;
  }

  private phrase(): string[] {
    const words: string[] = [];
    for (let t = this.peek(); t && (t.t === 'word' || t.t === 'quoted' || (t.t === 'special' && t.v === '.')); t = this.peek()) {
      words.push(t.v);
      this.i++;
    }
    return words;
  }

  private entry(groupsAllowed: boolean): void {
    const start = this.i;
    const words = this.phrase();
    if (groupsAllowed && this.isSpecial(':') && words.length > 0) {
      this.i++;
      this.out.push({ name: null, adl: null, mailbox: words.join(' '), host: null });
      while (this.i < this.tokens.length && !this.isSpecial(';')) {
        if (this.isSpecial(',')) this.i++;
        else this.entry(false);
      }
      this.i++;
      this.out.push({ name: null, adl: null, mailbox: null, host: null });
      return;
    }
    if (this.isSpecial('<')) {
      this.i++;
      this.angle(words.length > 0 ? words.join(' ') : null);
      return;
    }
    this.i = start;
    this.addrSpec(null, null, ',;');
  }

  private angle(name: string | null): void {
    let adl: string | null = null;
    if (this.isSpecial('@')) {
      // Obsolete source route "@a,@b:" (RFC 5322 4.4).
      let route = '';
      while (this.i < this.tokens.length && !this.isSpecial(':') && !this.isSpecial('>')) route += this.tokens[this.i++]!.v;
      if (this.isSpecial(':')) this.i++;
      adl = route;
    }
    this.addrSpec(name, adl, '>');
    if (this.isSpecial('>')) this.i++;
  }

  private addrSpec(name: string | null, adl: string | null, stops: string): void {
    let local = '';
    let host: string | null = null;
    this.comments = [];
    for (let t = this.peek(); t; t = this.peek()) {
      if (t.t === 'special' && stops.includes(t.v)) break;
      this.i++;
      if (t.t === 'special' && t.v === '@' && host === null) {
        host = '';
        continue;
      }
      const text = t.t === 'quoted' ? `"${t.v}"` : t.v;
      if (host === null) local += text;
      else host += text;
    }
    if (local === '' && host === null && name === null) return;
    this.peek();
    // A bare address with a comment: the comment is the display name, as Dovecot and imaptest have it.
    const commentName = name === null && adl === null && stops !== '>' ? (this.comments.filter((c) => c !== '').at(-1) ?? null) : null;
    this.out.push({ name: name ?? commentName, adl, mailbox: local, host: host ?? '' });
  }
}

export function parseAddressList(value: string): Address[] {
  return new Parser(tokenize(value)).list();
}
