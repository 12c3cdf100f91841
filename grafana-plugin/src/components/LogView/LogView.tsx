// The scrolling list of live log lines. It follows the newest line while the reader is at the bottom;
// scrolling up pauses it (the lines on screen stop moving) and shows how many arrived since, with Resume.
import React, { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Button, useStyles2 } from '@grafana/ui';
import { formatLogTime } from '../../services/format';
import { formatFields, type LogEntry } from '../../services/logLine';
import { testIds } from '../../testIds';

/** How close to the bottom (px) still counts as "at the bottom". */
const BOTTOM_SLACK = 24;

interface Props {
  lines: readonly LogEntry[];
  /** Clicking a session id filters the view to that session. */
  onSession?: (session: string) => void;
  emptyText: string;
}

export function LogView({ lines, onSession, emptyText }: Props) {
  const s = useStyles2(getStyles);
  const box = useRef<HTMLDivElement>(null);
  const [paused, setPaused] = useState<readonly LogEntry[] | null>(null);
  const shown = paused ?? lines;
  const newest = lines.at(-1)?.seq ?? 0;
  const shownNewest = shown.at(-1)?.seq ?? 0;
  const waiting = paused ? Math.max(0, newest - shownNewest) : 0;

  useLayoutEffect(() => {
    if (!paused && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines, paused]);

  // Reset the pause when the buffer is cleared.
  useEffect(() => {
    if (lines.length === 0) setPaused(null);
  }, [lines.length]);

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK;
    if (atBottom && paused) setPaused(null);
    else if (!atBottom && !paused) setPaused(lines);
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
      <div ref={box} className={s.box} onScroll={onScroll} data-testid={testIds.liveLog.lines} role="log" aria-live="off">
        {shown.length === 0 ? (
          <div className={s.empty}>{emptyText}</div>
        ) : (
          shown.map((l) => (
            <div key={l.seq} className={s.line} data-testid={testIds.liveLog.line}>
              <span className={s.time}>{formatLogTime(l.time)}</span>
              <span className={cx(s.level, s.levels[l.level as keyof typeof s.levels] ?? s.levels.info)}>{l.level}</span>
              <span className={s.category}>{l.category}</span>
              {l.session &&
                (onSession ? (
                  <button type="button" className={s.session} title="Show only this session" onClick={() => onSession(l.session!)}>
                    {l.session}
                  </button>
                ) : (
                  <span className={s.session}>{l.session}</span>
                ))}
              {l.queueId && <span className={s.queue}>{l.queueId}</span>}
              <span className={s.msg}>{l.msg}</span>
              {Object.keys(l.fields).length > 0 && <span className={s.fields}>{formatFields(l.fields)}</span>}
            </div>
          ))
        )}
      </div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrapper: css({ position: 'relative' }),
  box: css({
    height: '60vh',
    minHeight: 240,
    overflowY: 'auto',
    background: theme.colors.background.canvas,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1),
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  empty: css({ color: theme.colors.text.secondary, padding: theme.spacing(2) }),
  line: css({
    display: 'flex',
    gap: theme.spacing(1),
    alignItems: 'baseline',
    padding: theme.spacing(0.25, 0),
    borderBottom: `1px solid ${theme.colors.border.weak}`,
    overflowWrap: 'anywhere',
  }),
  time: css({ color: theme.colors.text.secondary, whiteSpace: 'nowrap' }),
  level: css({ minWidth: 40, textTransform: 'uppercase', fontWeight: theme.typography.fontWeightMedium }),
  levels: {
    trace: css({ color: theme.colors.text.disabled }),
    debug: css({ color: theme.colors.text.secondary }),
    info: css({ color: theme.colors.info.text }),
    warn: css({ color: theme.colors.warning.text }),
    error: css({ color: theme.colors.error.text }),
    fatal: css({ color: theme.colors.error.text, fontWeight: theme.typography.fontWeightBold }),
  },
  category: css({ color: theme.colors.primary.text, minWidth: 72 }),
  session: css({ all: 'unset', cursor: 'pointer', color: theme.colors.text.link, '&:hover': { textDecoration: 'underline' } }),
  queue: css({ color: theme.colors.text.secondary }),
  msg: css({ color: theme.colors.text.primary }),
  fields: css({ color: theme.colors.text.secondary }),
  pausedBar: css({
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'center',
    padding: theme.spacing(0.5, 1),
    marginBottom: theme.spacing(0.5),
    background: theme.colors.warning.transparent,
    borderRadius: theme.shape.radius.default,
  }),
});
