// The live log's look. The columns (time, level, component and session, message) are one fixed grid shared
// by the header and every row, so they line up however long a message is. Words never break: a message
// wraps at spaces, and a token wider than its column (a long address, a base64 blob) scrolls sideways
// inside its own row instead of being cut into pieces or widening the page.
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

/** A one-line row's height before it is measured: the virtualizer's first guess. */
export const ROW_ESTIMATE_PX = 22;

// Time is HH:MM:SS.mmm (12 characters), level at most 5, component and session about 24.
const COLUMNS = '13ch 6ch 26ch minmax(0, 1fr)';

export const getStyles = (theme: GrafanaTheme2) => ({
  wrapper: css({ position: 'relative', fontFamily: theme.typography.fontFamilyMonospace, fontSize: theme.typography.bodySmall.fontSize }),
  box: css({
    height: '60vh',
    minHeight: 240,
    overflowY: 'auto',
    overflowX: 'hidden',
    background: theme.colors.background.canvas,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    contain: 'strict',
  }),
  // The rows are placed absolutely inside this box, which is as tall as all of them together.
  canvas: css({ position: 'relative', width: '100%' }),
  empty: css({ color: theme.colors.text.secondary, padding: theme.spacing(2), fontFamily: theme.typography.fontFamily }),
  row: css({
    position: 'absolute',
    top: 0,
    left: 0,
    width: '100%',
    display: 'grid',
    gridTemplateColumns: COLUMNS,
    columnGap: theme.spacing(1),
    alignItems: 'baseline',
    padding: theme.spacing(0.25, 1),
    borderBottom: `1px solid ${theme.colors.border.weak}`,
    lineHeight: `${ROW_ESTIMATE_PX - 6}px`,
  }),
  header: css({
    position: 'static',
    // Same font as the rows: the columns are sized in `ch`, which differs from font to font.
    color: theme.colors.text.secondary,
    fontWeight: theme.typography.fontWeightMedium,
    borderBottom: 'none',
    borderLeft: '1px solid transparent',
  }),
  time: css({ color: theme.colors.text.secondary, whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }),
  level: css({ textTransform: 'uppercase', fontWeight: theme.typography.fontWeightMedium, whiteSpace: 'nowrap' }),
  levels: {
    trace: css({ color: theme.colors.text.disabled }),
    debug: css({ color: theme.colors.text.secondary }),
    info: css({ color: theme.colors.info.text }),
    warn: css({ color: theme.colors.warning.text }),
    error: css({ color: theme.colors.error.text }),
    fatal: css({ color: theme.colors.error.text, fontWeight: theme.typography.fontWeightBold }),
  },
  source: css({ display: 'flex', gap: theme.spacing(1), minWidth: 0, overflow: 'hidden', whiteSpace: 'nowrap', textOverflow: 'ellipsis' }),
  category: css({ color: theme.colors.primary.text }),
  session: css({ all: 'unset', cursor: 'pointer', color: theme.colors.text.link, overflow: 'hidden', textOverflow: 'ellipsis', '&:hover': { textDecoration: 'underline' } }),
  msg: css({ minWidth: 0, color: theme.colors.text.primary, whiteSpace: 'pre-wrap', overflowWrap: 'normal', wordBreak: 'normal', overflowX: 'auto' }),
  queue: css({ color: theme.colors.text.secondary }),
  fields: css({ color: theme.colors.text.secondary }),
  pausedBar: css({
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'center',
    padding: theme.spacing(0.5, 1),
    marginBottom: theme.spacing(0.5),
    background: theme.colors.warning.transparent,
    borderRadius: theme.shape.radius.default,
    fontFamily: theme.typography.fontFamily,
  }),
});
