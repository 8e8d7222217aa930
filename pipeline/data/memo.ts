// A value kept under its key: made the first time it is asked for, the same one after. The stages keep what they
// compile or derive from inputs that do not change under a running process (templates, parsed documents, fonts).

/** `map`'s value for `key`, made by `make` and kept when there is none yet. */
export function kept<K extends object, V>(map: WeakMap<K, V>, key: K, make: () => V): V;
export function kept<K, V>(map: Map<K, V>, key: K, make: () => V): V;
export function kept<K extends object, V>(map: Map<K, V> | WeakMap<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}
