// The standard field options (unit, min, max, decimals, display name, color, thresholds, value mappings,
// no value, links) that Grafana registers at start-up (its getAllStandardFieldConfigs, in Grafana's own
// source, not on npm) into @grafana/data's standardFieldConfigEditorRegistry. Panels build their field
// config registry from it; without it Scenes drops every standard option a panel sets (the unit first of
// all). Same ids, paths, processors and defaults; the editors are Grafana's panel editor, which the
// harness never shows, so they draw nothing.
import {
  booleanOverrideProcessor,
  dataLinksOverrideProcessor,
  displayNameOverrideProcessor,
  FieldColorModeId,
  identityOverrideProcessor,
  numberOverrideProcessor,
  standardFieldConfigEditorRegistry,
  stringOverrideProcessor,
  thresholdsOverrideProcessor,
  ThresholdsMode,
  valueMappingsOverrideProcessor,
  type FieldConfigPropertyItem,
} from '@grafana/data';

const none = () => null;

function option(id: string, process: FieldConfigPropertyItem['process'], defaultValue?: unknown): FieldConfigPropertyItem {
  return { id, path: id, name: id, editor: none, override: none, process, shouldApply: () => true, defaultValue } as FieldConfigPropertyItem;
}

export function registerStandardFieldConfigs(): void {
  standardFieldConfigEditorRegistry.setInit(() => [
    option('displayName', displayNameOverrideProcessor),
    option('unit', stringOverrideProcessor),
    option('fieldMinMax', booleanOverrideProcessor),
    option('min', numberOverrideProcessor),
    option('max', numberOverrideProcessor),
    option('decimals', numberOverrideProcessor),
    option('thresholds', thresholdsOverrideProcessor, {
      mode: ThresholdsMode.Absolute,
      steps: [
        { value: -Infinity, color: 'green' },
        { value: 80, color: 'red' },
      ],
    }),
    option('mappings', valueMappingsOverrideProcessor, []),
    option('color', identityOverrideProcessor, { mode: FieldColorModeId.Thresholds }),
    option('noValue', stringOverrideProcessor),
    option('links', dataLinksOverrideProcessor),
    option('filterable', booleanOverrideProcessor),
  ]);
}
