import React from 'react';
import { fireEvent, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { LogView } from './LogView';
import { parseLogLine } from '../../services/logLine';
import { renderWithGrafana } from '../../test/render';
import { testIds } from '../../testIds';

const lines = (n: number, from = 1) => Array.from({ length: n }, (_, i) => parseLogLine(JSON.stringify({ msg: `line ${from + i}`, category: 'smtp', session: 'S1', level: 30 }), from + i));

describe('LogView', () => {
  it('shows the empty text, then the lines', () => {
    const view = renderWithGrafana(<LogView lines={[]} emptyText="Press Start" />);
    expect(screen.getByText('Press Start')).toBeInTheDocument();
    view.rerender(<LogView lines={lines(2)} emptyText="Press Start" />);
    expect(screen.getAllByTestId(testIds.liveLog.line)).toHaveLength(2);
  });

  it('follows the newest line at the bottom, and freezes while scrolled up', async () => {
    const view = renderWithGrafana(<LogView lines={lines(1)} emptyText="" />);
    const box = screen.getByTestId(testIds.liveLog.lines);
    Object.defineProperty(box, 'scrollHeight', { configurable: true, value: 500 });
    Object.defineProperty(box, 'clientHeight', { configurable: true, value: 100 });
    view.rerender(<LogView lines={lines(2)} emptyText="" />);
    expect(box.scrollTop).toBe(500);
    box.scrollTop = 0;
    fireEvent.scroll(box);
    view.rerender(<LogView lines={lines(5)} emptyText="" />);
    expect(screen.getAllByTestId(testIds.liveLog.line)).toHaveLength(2);
    expect(screen.getByTestId(testIds.liveLog.paused)).toHaveTextContent('3 new lines');
    box.scrollTop = 400;
    fireEvent.scroll(box);
    expect(screen.getAllByTestId(testIds.liveLog.line)).toHaveLength(5);
    expect(screen.queryByTestId(testIds.liveLog.paused)).not.toBeInTheDocument();
  });

  it('a session id filters to that session', async () => {
    const onSession = vi.fn();
    renderWithGrafana(<LogView lines={lines(1)} emptyText="" onSession={onSession} />);
    await userEvent.click(screen.getByRole('button', { name: 'S1' }));
    expect(onSession).toHaveBeenCalledWith('S1');
  });
});
