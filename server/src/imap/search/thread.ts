// THREAD (RFC 5256 sections 4 and 5): ORDEREDSUBJECT groups by base subject; REFERENCES links messages
// through Message-ID, References and In-Reply-To (after Jamie Zawinski's algorithm) and then gathers
// root threads that share a base subject. The result is a forest; a node without a message is a dummy
// standing for a parent that is not in the mailbox (or did not match the search).
import { casemap } from './base-subject.ts';
import type { ThreadAlgorithm } from '../protocol/sort-thread.ts';
import type { MessageFacts } from './message-facts.ts';

export interface ThreadNode {
  message: MessageFacts | null;
  children: ThreadNode[];
}

const bySent = (a: MessageFacts, b: MessageFacts) => a.sent - b.sent || a.seq - b.seq;

/** A node's date: its message's, or a dummy's first child's (children are sorted before their parents). */
function nodeMessage(n: ThreadNode): MessageFacts | null {
  return n.message ?? (n.children[0] ? nodeMessage(n.children[0]) : null);
}

function compareNodes(a: ThreadNode, b: ThreadNode): number {
  const x = nodeMessage(a);
  const y = nodeMessage(b);
  return x && y ? bySent(x, y) : 0;
}

export function orderedSubject(messages: readonly MessageFacts[]): ThreadNode[] {
  const sorted = [...messages].sort((a, b) => {
    const x = casemap(a.subject.text);
    const y = casemap(b.subject.text);
    return x < y ? -1 : x > y ? 1 : bySent(a, b);
  });
  const threads: ThreadNode[] = [];
  let subject: string | null = null;
  for (const m of sorted) {
    const key = casemap(m.subject.text);
    if (key === subject) threads[threads.length - 1]!.children.push({ message: m, children: [] });
    else threads.push({ message: m, children: [] });
    subject = key;
  }
  return threads.sort(compareNodes);
}

interface Container {
  message: MessageFacts | null;
  parent: Container | null;
  children: Container[];
}

const isAncestor = (candidate: Container, of: Container): boolean => {
  for (let p: Container | null = of; p; p = p.parent) if (p === candidate) return true;
  return false;
};

function setParent(child: Container, parent: Container | null): void {
  if (child.parent) child.parent.children = child.parent.children.filter((c) => c !== child);
  child.parent = parent;
  if (parent) parent.children.push(child);
}

/** Step 1: the containers linked by Message-ID and References, and the root set in first-seen order. */
function link(messages: readonly MessageFacts[]): Container[] {
  const byId = new Map<string, Container>();
  const all: Container[] = [];
  const container = (id: string): Container => {
    let c = byId.get(id);
    if (!c) {
      c = { message: null, parent: null, children: [] };
      byId.set(id, c);
      all.push(c);
    }
    return c;
  };
  for (const m of [...messages].sort((a, b) => a.seq - b.seq)) {
    // (A) Each reference the parent of the next, unless already linked or that would make a loop.
    let previous: Container | null = null;
    for (const id of m.references) {
      const c = container(id);
      if (previous && !c.parent && !isAncestor(c, previous)) setParent(c, previous);
      previous = c;
    }
    // (B) The message's own container: a missing or duplicate Message-ID gets one of its own.
    let own = m.messageId !== null ? container(m.messageId) : null;
    if (!own || own.message) {
      own = { message: null, parent: null, children: [] };
      all.push(own);
    }
    own.message = m;
    // (C) Its parent is the last reference (none without references), unless that makes a loop.
    if (previous && isAncestor(own, previous)) previous = null;
    if (own.parent !== previous) setParent(own, previous);
  }
  return all.filter((c) => !c.parent);
}

/** Step 4: dummies without children go; a dummy's children move up, except a root dummy with several. */
function prune(nodes: readonly Container[], atRoot: boolean): ThreadNode[] {
  const out: ThreadNode[] = [];
  for (const c of nodes) {
    const children = prune(c.children, false);
    if (c.message) out.push({ message: c.message, children });
    else if (atRoot && children.length > 1) out.push({ message: null, children });
    else out.push(...children);
  }
  return out;
}

/** Step 5: root threads with the same base subject are gathered under one. */
function gatherBySubject(roots: ThreadNode[]): ThreadNode[] {
  const subjectOf = (n: ThreadNode) => nodeMessage(n)?.subject;
  const table = new Map<string, ThreadNode>();
  for (const n of roots) {
    const s = subjectOf(n);
    if (!s || s.text === '') continue;
    const key = casemap(s.text);
    const held = table.get(key);
    const heldIsReply = held ? subjectOf(held)!.replyOrForward : false;
    if (!held || (held.message && (!n.message || (heldIsReply && !s.replyOrForward)))) table.set(key, n);
  }
  const out: ThreadNode[] = [];
  for (const n of roots) {
    const s = subjectOf(n);
    const held = s && s.text !== '' ? table.get(casemap(s.text)) : undefined;
    if (!held || held === n) {
      out.push(n);
      continue;
    }
    if (!held.message && !n.message) held.children.push(...n.children);
    else if (!held.message) held.children.push(n);
    else if (s!.replyOrForward && !subjectOf(held)!.replyOrForward) held.children.push(n);
    else {
      const dummy: ThreadNode = { message: null, children: [{ ...held }, n] };
      // The held thread becomes the dummy in place, so whatever already points at it sees the merge.
      Object.assign(held, dummy);
    }
  }
  return out;
}

/** Step 6: every set of siblings by sent date, children before their parents. */
function sortTree(nodes: ThreadNode[]): ThreadNode[] {
  for (const n of nodes) sortTree(n.children);
  return nodes.sort(compareNodes);
}

export function references(messages: readonly MessageFacts[]): ThreadNode[] {
  const roots = sortTree(prune(link(messages), true));
  return sortTree(gatherBySubject(roots));
}

export function thread(algorithm: ThreadAlgorithm, messages: readonly MessageFacts[]): ThreadNode[] {
  return algorithm === 'ORDEREDSUBJECT' ? orderedSubject(messages) : references(messages);
}

/** The THREAD response's threads: "(3 6 (4 23)(44 7 96))", a dummy written as its children alone. */
export function formatThreads(threads: readonly ThreadNode[], numberOf: (m: MessageFacts) => number): string {
  const chain = (n: ThreadNode): string => {
    const parts: string[] = n.message ? [String(numberOf(n.message))] : [];
    if (n.children.length === 1 && n.message) parts.push(chain(n.children[0]!));
    else if (n.children.length > 0) parts.push(n.children.map((c) => `(${chain(c)})`).join(''));
    return parts.join(' ');
  };
  return threads.map((t) => `(${chain(t)})`).join('');
}
