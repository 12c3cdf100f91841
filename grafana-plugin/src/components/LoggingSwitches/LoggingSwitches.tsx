// The server's logging switches: which categories Mailroom writes to its log, for everyone (Loki, stdout
// and every live log). Changing them is a PUT /api/v1/logging through Grafana's proxy, so only Grafana
// Admins get the checkboxes enabled and an Apply button; others see what the server logs. This is a
// different thing from the view filter beside it, which only hides lines in this browser, so it has its
// own box, heading and wording.
import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Button, Checkbox, Icon, useStyles2 } from '@grafana/ui';
import { LOG_CATEGORIES, type LogCategory, type LoggingSettings } from '../../api/types';
import { testIds } from '../../testIds';

interface Props {
  /** What Mailroom logs now; undefined while loading or when it could not be read. */
  settings: LoggingSettings | undefined;
  canChange: boolean;
  onApply: (settings: LoggingSettings) => Promise<void>;
}

const enabledIn = (settings: LoggingSettings | undefined): Set<LogCategory> => new Set(settings ? LOG_CATEGORIES.filter((c) => settings.categories?.[c]) : []);

export function LoggingSwitches({ settings, canChange, onApply }: Props) {
  const s = useStyles2(getStyles);
  const [chosen, setChosen] = useState<ReadonlySet<LogCategory>>(() => enabledIn(settings));
  const [applying, setApplying] = useState(false);

  // The checkboxes start from, and return to, what Mailroom logs now.
  useEffect(() => setChosen(enabledIn(settings)), [settings]);

  const changed = settings ? LOG_CATEGORIES.some((c) => Boolean(settings.categories?.[c]) !== chosen.has(c)) : false;
  const apply = async () => {
    setApplying(true);
    try {
      await onApply({ categories: Object.fromEntries(LOG_CATEGORIES.map((c) => [c, chosen.has(c)])) as LoggingSettings['categories'] });
    } finally {
      setApplying(false);
    }
  };

  return (
    <section className={s.box} aria-labelledby="mailroom-server-logging" data-testid={testIds.liveLog.serverLogging}>
      <h3 id="mailroom-server-logging" className={s.heading}>
        <Icon name="cog" /> Server logging switches
      </h3>
      <p className={s.hint}>
        What Mailroom writes to its log, for everyone: Loki, stdout and every live log.
        {canChange ? ' Apply changes the server at once.' : ' Only Grafana Admins can change them.'}
      </p>
      <div className={s.row}>
        {LOG_CATEGORIES.map((c) => (
          <Checkbox
            key={c}
            label={c}
            value={chosen.has(c)}
            disabled={!canChange || !settings}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              setChosen((cur) => {
                const next = new Set(cur);
                if (on) next.add(c);
                else next.delete(c);
                return next;
              });
            }}
            data-testid={testIds.liveLog.category(c)}
          />
        ))}
        {canChange && (
          <Button
            size="sm"
            icon="save"
            onClick={() => void apply()}
            disabled={!changed || applying || !settings}
            tooltip="Make Mailroom log exactly these categories"
            data-testid={testIds.liveLog.applyCategories}
          >
            {applying ? 'Applying…' : 'Apply to server'}
          </Button>
        )}
      </div>
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  box: css({
    padding: theme.spacing(1.5, 2),
    border: `1px solid ${theme.colors.border.medium}`,
    borderLeft: `4px solid ${theme.colors.warning.border}`,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
  }),
  heading: css({ ...theme.typography.h5, margin: 0, display: 'flex', alignItems: 'center', gap: theme.spacing(1) }),
  hint: css({ color: theme.colors.text.secondary, margin: theme.spacing(0.5, 0, 1) }),
  row: css({ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: theme.spacing(2) }),
});
