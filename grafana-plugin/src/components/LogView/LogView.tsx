// The scrolling list of live log lines. It follows the newest line while the reader is at the bottom;
// scrolling up pauses it (the lines on screen stop moving) and shows how many arrived since, with Resume.
// Only the rows in view (and a few either side) are in the DOM: the buffer holds thousands of lines and a
// browser slows down long before that when every line is an element. Rows are measured as they render
// (@tanstack/react-virtual, the virtualizer @grafana/ui itself uses), so a message wrapping onto several
// lines gets the height it needs.
import React, { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { cx } from '@emotion/css';
import { measureElement, observeElementRect, useVirtualizer, type Rect, type Virtualizer } from '@tanstack/react-virtual';
import { Button, useStyles2 } from '@grafana/ui';
import { formatLogTime } from '../../services/format';
import { formatFields, type LogEntry } from '../../services/logLine';
import { testIds } from '../../testIds';
import { getStyles, ROW_ESTIMATE_PX } from './LogView.styles';

/** How close to the bottom (px) still counts as "at the bottom". */
const BOTTOM_SLACK = 24;
/** Rows rendered beyond each edge of the view, so a quick scroll does not show blank space. */
const OVERSCAN_ROWS = 12;

interface Props {
  lines: readonly LogEntry[];
  /** Clicking a session id filters the view to that session. */
  onSession?: (session: string) => void;
  emptyText: string;
}

// A row is never 0 px high; 0 means it is not laid out (a hidden tab, or jsdom), where the estimate is the
// better guess than stacking every row on one spot.
const measureRow = (el: Element, entry: ResizeObserverEntry | undefined, v: Virtualizer<HTMLDivElement, Element>) => measureElement(el, entry, v) || ROW_ESTIMATE_PX;

// Likewise a box of no size is not laid out yet: assume a screenful, so the first paint has rows rather
// than none (a virtualizer with a 0 px view renders nothing at all).
const NOT_LAID_OUT: Rect = { width: 1000, height: 600 };
const observeBox = (v: Virtualizer<HTMLDivElement, Element>, cb: (rect: Rect) => void) => observeElementRect(v, (rect) => cb(rect.height > 0 ? rect : NOT_LAID_OUT));

export function LogView({ lines, onSession, emptyText }: Props) {
  const s = useStyles2(getStyles);
  const box = useRef<HTMLDivElement>(null);
  const [paused, setPaused] = useState<readonly LogEntry[] | null>(null);
  const shown = paused ?? lines;
  const newest = lines.at(-1)?.seq ?? 0;
  const shownNewest = shown.at(-1)?.seq ?? 0;
  const waiting = paused ? Math.max(0, newest - shownNewest) : 0;

  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => box.current,
    estimateSize: () => ROW_ESTIMATE_PX,
    getItemKey: (i) => shown[i]?.seq ?? i,
    measureElement: measureRow,
    observeElementRect: observeBox,
    overscan: OVERSCAN_ROWS,
  });

  const total = virtualizer.getTotalSize();
  /** Where the last scroll left the view, to tell the reader scrolling up from everything else. */
  const lastTop = useRef(0);
  // Following: the newest line at the bottom, again whenever measured rows change the total height.
  useLayoutEffect(() => {
    if (paused || !box.current) return;
    // The rows' total height stands in for scrollHeight where there is no layout (jsdom); browsers clamp it.
    box.current.scrollTop = Math.max(box.current.scrollHeight, total);
    lastTop.current = box.current.scrollTop;
  }, [shown, paused, total]);

  // Reset the pause when the buffer is cleared.
  useEffect(() => {
    if (lines.length === 0) setPaused(null);
  }, [lines.length]);

  // Only the reader scrolls up: following, measuring and new lines move the view down or not at all. So
  // a move up away from the bottom pauses, and reaching the bottom again resumes.
  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    const movedUp = el.scrollTop < lastTop.current;
    lastTop.current = el.scrollTop;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK;
    if (atBottom && paused) setPaused(null);
    else if (!atBottom && movedUp && !paused) setPaused(lines);
  };

  return (
    <div className={s.wrapper}>
      {paused && (
        <div className={s.pausedBar} data-testid={testIds.liveLog.paused}>
          <span>Paused while you scroll{waiting > 0 ? ` · ${waiting} new ${waiting === 1 ? 'line' : 'lines'}` : ''}</span>
          <Button size="sm" icon="arrow-down" onClick={() => setPaused(null)} data-testid={testIds.liveLog.resume}>
            Resume
          </Button>
        </div>
      )}
      <div className={cx(s.row, s.header)} aria-hidden="true">
        <span>Time</span>
        <span>Level</span>
        <span>Component · session</span>
        <span>Message</span>
      </div>
      <div ref={box} className={s.box} onScroll={onScroll} data-testid={testIds.liveLog.lines} role="log" aria-live="off">
        {shown.length === 0 ? (
          <div className={s.empty}>{emptyText}</div>
        ) : (
          <div className={s.canvas} style={{ height: total }}>
            {virtualizer.getVirtualItems().map((item) => {
              const l = shown[item.index]!;
              return (
                <div key={item.key} ref={virtualizer.measureElement} data-index={item.index} className={s.row} style={{ transform: `translateY(${item.start}px)` }} data-testid={testIds.liveLog.line}>
                  <span className={s.time}>{formatLogTime(l.time)}</span>
                  <span className={cx(s.level, s.levels[l.level as keyof typeof s.levels] ?? s.levels.info)}>{l.level}</span>
                  <span className={s.source}>
                    <span className={s.category}>{l.category}</span>
                    {l.session &&
                      (onSession ? (
                        <button type="button" className={s.session} title="Show only this session" onClick={() => onSession(l.session!)}>
                          {l.session}
                        </button>
                      ) : (
                        <span className={s.session}>{l.session}</span>
                      ))}
                  </span>
                  <span className={s.msg} data-testid={testIds.liveLog.message}>
                    {l.queueId && <span className={s.queue}>{l.queueId} </span>}
                    {l.msg}
                    {Object.keys(l.fields).length > 0 && <span className={s.fields}> {formatFields(l.fields)}</span>}
                  </span>
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
