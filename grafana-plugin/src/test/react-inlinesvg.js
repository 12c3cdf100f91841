// Stands in for react-inlinesvg in unit tests: @grafana/ui icons would otherwise fetch their SVG files.
import { createElement } from 'react';

export default function InlineSVG(props) {
  return createElement('svg', { 'data-testid': props['data-testid'], className: props.className, 'aria-hidden': true });
}
