import React from 'react';
import { act, fireEvent, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { LogView } from './LogView';
import { ROW_ESTIMATE_PX } from './LogView.styles';
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

describe('LogView with many lines', () => {
  // jsdom lays nothing out, so the view is the screenful LogView assumes then (600 px) and every row the
  // 22 px estimate: the same arithmetic a browser does with measured sizes.
  it('puts only the rows in view in the DOM: 10,000 lines, fewer than 200 row elements', () => {
    renderWithGrafana(<LogView lines={lines(10_000)} emptyText="" />);
    const rows = screen.getAllByTestId(testIds.liveLog.line);
    expect(rows.length).toBeGreaterThanOrEqual(20);
    expect(rows.length).toBeLessThan(200);
  });

  it('renders the rows of the part scrolled to', () => {
    renderWithGrafana(<LogView lines={lines(10_000)} emptyText="" />);
    const box = screen.getByTestId(testIds.liveLog.lines);
    act(() => {
      box.scrollTop = 5000 * ROW_ESTIMATE_PX;
      fireEvent.scroll(box);
    });
    const texts = screen.getAllByTestId(testIds.liveLog.message).map((m) => m.textContent);
    expect(texts).toContain('line 5001');
    expect(texts).not.toContain('line 1');
    expect(screen.getAllByTestId(testIds.liveLog.line).length).toBeLessThan(200);
  });
});

describe('LogView columns', () => {
  it('puts time, level, component and session, and message in four cells of every row', () => {
    const long = parseLogLine(JSON.stringify({ time: Date.UTC(2025, 0, 1), level: 40, category: 'delivery', session: 'S9', queueId: 'Q1', msg: 'deferred', token: 'x'.repeat(300) }), 1);
    renderWithGrafana(<LogView lines={[long]} emptyText="" />);
    const row = screen.getByTestId(testIds.liveLog.line);
    expect(row.children).toHaveLength(4);
    expect(row.children[1]).toHaveTextContent('warn');
    expect(row.children[2]).toHaveTextContent('deliveryS9');
    expect(row.children[3]).toHaveTextContent(`Q1 deferred token=${'x'.repeat(300)}`);
  });
});
