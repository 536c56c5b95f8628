/**
 * Label Studio's hotkeys check (`HotkeysSerializer.validate_custom_hotkeys`, LS >= 1.20): the
 * same limits, order and messages; like Label Studio, the first problem found is the one reported.
 */

export const MAX_HOTKEYS = 200;
const MAX_ACTION_KEY_LENGTH = 100;
const MAX_KEY_COMBO_LENGTH = 50;
const MAX_KEY_PART_LENGTH = 20;

/** Combinations the operating system owns; binding them could lock a user out of their desktop. */
export const BLOCKED_KEY_COMBINATIONS: readonly string[] = [
  'ctrl+alt+delete',
  'cmd+alt+escape',
  'alt+f4',
  'ctrl+alt+esc',
  'cmd+option+esc',
  'ctrl+shift+esc',
  'cmd+shift+q',
  'alt+tab',
  'cmd+tab',
  'ctrl+alt+t',
  'cmd+space',
];

const KEY_COMBO_PATTERN = /^[a-zA-Z0-9+\-\s[\]\\;'".,/`~!@#$%^&*()_={}|:<>?]+$/;
const MODIFIERS = new Set(['ctrl', 'cmd', 'command', 'alt', 'option', 'shift', 'meta']);
// Not in Label Studio: control characters (NUL cannot even be stored in jsonb) and unpaired
// surrogates are refused in action keys and combinations. `\s` would otherwise let tabs through.
const INVALID_CHARACTERS = /[\p{Cc}\p{Cs}]/u;

export interface HotkeyBinding {
  key: string;
  active?: boolean;
}

export type HotkeysResult =
  { ok: true; value: Record<string, HotkeyBinding> } | { ok: false; message: string };

const length = (value: string) => [...value].length;

/** Label Studio echoes the action key; an over-long one is cut so a reply cannot be inflated by it. */
const shown = (value: string) =>
  length(value) > MAX_ACTION_KEY_LENGTH ? `${[...value].slice(0, MAX_ACTION_KEY_LENGTH).join('')}…` : value;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function validateCustomHotkeys(input: unknown): HotkeysResult {
  const failed = (message: string): HotkeysResult => ({ ok: false, message });
  if (!isPlainObject(input)) return failed('custom_hotkeys must be a dictionary');
  const entries = Object.entries(input);
  if (entries.length > MAX_HOTKEYS) return failed(`Cannot define more than ${MAX_HOTKEYS} custom hotkeys`);

  const bindings: [string, HotkeyBinding][] = [];
  for (const [actionKey, data] of entries) {
    if (!actionKey) return failed(`Action key '${actionKey}' must be a non-empty string`);
    if (length(actionKey) > MAX_ACTION_KEY_LENGTH) {
      return failed(`Action key '${shown(actionKey)}' is too long (max ${MAX_ACTION_KEY_LENGTH} characters)`);
    }
    if (INVALID_CHARACTERS.test(actionKey))
      return failed(`Action key '${actionKey}' contains invalid characters`);
    const separator = actionKey.indexOf(':');
    if (separator < 0) return failed(`Action key '${actionKey}' must be in 'section:action' format`);
    const section = actionKey.slice(0, separator);
    const action = actionKey.slice(separator + 1);
    if (!section.trim() || !action.trim()) {
      return failed(`Action key '${actionKey}' must have non-empty section and action parts`);
    }
    if (!isPlainObject(data)) return failed(`Hotkey data for '${actionKey}' must be a dictionary`);
    if (!Object.hasOwn(data, 'key')) return failed(`Missing 'key' in hotkey data for '${actionKey}'`);
    const keyCombo = data.key;
    if (typeof keyCombo !== 'string' || !keyCombo) {
      return failed(`Key combination for '${actionKey}' must be a non-empty string`);
    }
    if (length(keyCombo) > MAX_KEY_COMBO_LENGTH) {
      return failed(
        `Key combination for '${actionKey}' is too long (max ${MAX_KEY_COMBO_LENGTH} characters)`,
      );
    }
    if (BLOCKED_KEY_COMBINATIONS.includes(keyCombo.toLowerCase().trim())) {
      return failed(`Key combination '${keyCombo}' is not allowed for security reasons`);
    }
    const hasActive = Object.hasOwn(data, 'active');
    if (hasActive && typeof data.active !== 'boolean')
      return failed(`Active flag for '${actionKey}' must be a boolean`);
    if (!KEY_COMBO_PATTERN.test(keyCombo) || INVALID_CHARACTERS.test(keyCombo)) {
      return failed(`Key combination '${keyCombo}' for '${actionKey}' contains invalid characters`);
    }
    const parts = keyCombo.split('+').map((part) => part.trim());
    for (const part of parts.slice(0, -1)) {
      if (!MODIFIERS.has(part.toLowerCase()) && length(part) > MAX_KEY_PART_LENGTH) {
        return failed(`Invalid modifier or key '${part}' in key combination '${keyCombo}'`);
      }
    }
    // Only the documented fields are kept: nothing else a client sends ends up stored.
    bindings.push([
      actionKey,
      hasActive ? { key: keyCombo, active: data.active as boolean } : { key: keyCombo },
    ]);
  }
  // fromEntries defines own properties, so an action key such as `__proto__:x` stays plain data.
  return { ok: true, value: Object.fromEntries(bindings) };
}
