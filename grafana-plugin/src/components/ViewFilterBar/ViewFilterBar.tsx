// The live log's view filter: what this browser shows of the lines it receives (a minimum level, a text,
// one session). It changes nothing on the server and calls no API; the session narrows the stream itself
// (fewer lines over the wire), the level and text are applied here. Its own box and heading keep it apart
// from the server's logging switches.
import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Icon, Input, RadioButtonGroup, useStyles2 } from '@grafana/ui';
import type { LogLevelName } from '../../services/logFilter';
import { testIds } from '../../testIds';

export interface ViewFilterInput {
  minLevel: LogLevelName;
  text: string;
  session: string;
}

interface Props {
  value: ViewFilterInput;
  onChange: (next: ViewFilterInput) => void;
}

const LEVEL_OPTIONS: Array<{ label: string; value: LogLevelName; description: string }> = [
  { label: 'All', value: 'trace', description: 'Every line' },
  { label: 'Debug+', value: 'debug', description: 'Debug and above' },
  { label: 'Info+', value: 'info', description: 'Info and above' },
  { label: 'Warn+', value: 'warn', description: 'Warnings and errors' },
  { label: 'Error+', value: 'error', description: 'Errors only' },
];

export function ViewFilterBar({ value, onChange }: Props) {
  const s = useStyles2(getStyles);
  return (
    <section className={s.box} aria-labelledby="mailroom-view-filter" data-testid={testIds.liveLog.viewFilter}>
      <h3 id="mailroom-view-filter" className={s.heading}>
        <Icon name="filter" /> View filter
      </h3>
      <p className={s.hint}>What this page shows you of the lines it receives. It changes nothing on the server.</p>
      <div className={s.row}>
        <RadioButtonGroup size="sm" options={LEVEL_OPTIONS} value={value.minLevel} onChange={(minLevel) => onChange({ ...value, minLevel })} aria-label="Level" />
        <div className={s.input}>
          <Input
            value={value.text}
            onChange={(e) => onChange({ ...value, text: e.currentTarget.value })}
            placeholder="Text in the line"
            maxLength={200}
            prefix={<Icon name="search" />}
            aria-label="Text"
            data-testid={testIds.liveLog.text}
          />
        </div>
        <div className={s.input}>
          <Input
            value={value.session}
            onChange={(e) => onChange({ ...value, session: e.currentTarget.value })}
            placeholder="Only this session id"
            maxLength={100}
            prefix="Session"
            aria-label="Session"
            data-testid={testIds.liveLog.session}
          />
        </div>
      </div>
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  box: css({
    padding: theme.spacing(1.5, 2),
    border: `1px solid ${theme.colors.border.medium}`,
    borderLeft: `4px solid ${theme.colors.info.border}`,
    borderRadius: theme.shape.radius.default,
  }),
  heading: css({ ...theme.typography.h5, margin: 0, display: 'flex', alignItems: 'center', gap: theme.spacing(1) }),
  hint: css({ color: theme.colors.text.secondary, margin: theme.spacing(0.5, 0, 1) }),
  row: css({ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: theme.spacing(1) }),
  input: css({ width: 280 }),
});
