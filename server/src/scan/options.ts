// Option objects built from settings often carry `undefined` for "not set"; those must not hide defaults.

export function withDefaults<D extends object, O extends object>(defaults: D, options: O): D & O {
  const set = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...defaults, ...set } as D & O;
}
