import { BLOCKED_KEY_COMBINATIONS, MAX_HOTKEYS, validateCustomHotkeys } from './custom-hotkeys.validator';

const messageFor = (input: unknown): string => {
  const result = validateCustomHotkeys(input);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  return result.message;
};

const manyHotkeys = (count: number) =>
  Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`editor:action${i}`, { key: `ctrl+${i % 10}` }]),
  );

describe('validateCustomHotkeys', () => {
  it('accepts Label Studio examples, with and without "active"', () => {
    const hotkeys = {
      'editor:save': { key: 'ctrl+s', active: true },
      'editor:open': { key: 'ctrl+o', active: false },
      'editor:cut': { key: 'ctrl+x' },
      'navigation:home': { key: 'alt+h', active: true },
    };
    expect(validateCustomHotkeys(hotkeys)).toEqual({ ok: true, value: hotkeys });
  });

  it('accepts an empty configuration', () => {
    expect(validateCustomHotkeys({})).toEqual({ ok: true, value: {} });
  });

  it.each([[[]], [null], ['ctrl+s'], [42]])('refuses %j as not a dictionary', (input) => {
    expect(messageFor(input)).toBe('custom_hotkeys must be a dictionary');
  });

  it(`accepts ${MAX_HOTKEYS} entries and refuses one more`, () => {
    expect(validateCustomHotkeys(manyHotkeys(MAX_HOTKEYS)).ok).toBe(true);
    expect(messageFor(manyHotkeys(MAX_HOTKEYS + 1))).toBe('Cannot define more than 200 custom hotkeys');
  });

  it('refuses an empty action key', () => {
    expect(messageFor({ '': { key: 'a' } })).toBe("Action key '' must be a non-empty string");
  });

  it('accepts a 100-character action key and refuses 101, without echoing all of it', () => {
    const ok = `s:${'a'.repeat(98)}`;
    expect(validateCustomHotkeys({ [ok]: { key: 'a' } }).ok).toBe(true);
    const long = `s:${'a'.repeat(5000)}`;
    const message = messageFor({ [long]: { key: 'a' } });
    expect(message).toMatch(/^Action key 's:a+…' is too long \(max 100 characters\)$/);
    expect(message.length).toBeLessThan(200);
  });

  it('refuses an action key without a section:action separator', () => {
    expect(messageFor({ editorsave: { key: 'a' } })).toBe(
      "Action key 'editorsave' must be in 'section:action' format",
    );
  });

  it.each([':save', 'editor:', ' :save', 'editor:  '])('refuses %j with an empty part', (actionKey) => {
    expect(messageFor({ [actionKey]: { key: 'a' } })).toBe(
      `Action key '${actionKey}' must have non-empty section and action parts`,
    );
  });

  it('allows further colons in the action part', () => {
    expect(validateCustomHotkeys({ 'a:b:c': { key: 'a' } }).ok).toBe(true);
  });

  it.each([['ctrl+s'], [null], [['ctrl+s']]])('refuses hotkey data %j that is not a dictionary', (data) => {
    expect(messageFor({ 'editor:save': data })).toBe("Hotkey data for 'editor:save' must be a dictionary");
  });

  it('refuses hotkey data without a key', () => {
    expect(messageFor({ 'editor:save': { active: true } })).toBe(
      "Missing 'key' in hotkey data for 'editor:save'",
    );
  });

  it.each([[''], [null], [5], [{ combo: 'a' }]])('refuses the key %j', (key) => {
    expect(messageFor({ 'editor:save': { key } })).toBe(
      "Key combination for 'editor:save' must be a non-empty string",
    );
  });

  it('accepts a 50-character key and refuses 51', () => {
    expect(validateCustomHotkeys({ 'editor:save': { key: 'a'.repeat(50) } }).ok).toBe(true);
    expect(messageFor({ 'editor:save': { key: 'a'.repeat(51) } })).toBe(
      "Key combination for 'editor:save' is too long (max 50 characters)",
    );
  });

  it.each(BLOCKED_KEY_COMBINATIONS.map((combo) => [combo]))('refuses the system combination %s', (combo) => {
    expect(messageFor({ 'editor:save': { key: combo } })).toBe(
      `Key combination '${combo}' is not allowed for security reasons`,
    );
  });

  it('compares blocked combinations case-insensitively and trimmed', () => {
    expect(messageFor({ 'editor:save': { key: ' Ctrl+Alt+Delete ' } })).toBe(
      "Key combination ' Ctrl+Alt+Delete ' is not allowed for security reasons",
    );
  });

  it.each([['yes'], [1], [null]])('refuses active=%j', (active) => {
    expect(messageFor({ 'editor:save': { key: 'ctrl+s', active } })).toBe(
      "Active flag for 'editor:save' must be a boolean",
    );
  });

  it.each(['ctrl+é', 'ctrl+s\u0000', 'ctrl+\ts', 'ctrl+😀'])(
    'refuses the key %j as having invalid characters',
    (key) => {
      expect(messageFor({ 'editor:save': { key } })).toBe(
        `Key combination '${key}' for 'editor:save' contains invalid characters`,
      );
    },
  );

  it('accepts every punctuation mark of the allowed pattern', () => {
    expect(validateCustomHotkeys({ 'editor:save': { key: `[]\\;'".,/\`~!@#$%^&*()_={}|:<>?-` } }).ok).toBe(
      true,
    );
  });

  it('refuses a modifier position holding more than 20 characters', () => {
    const key = `${'x'.repeat(21)}+s`;
    expect(messageFor({ 'editor:save': { key } })).toBe(
      `Invalid modifier or key '${'x'.repeat(21)}' in key combination '${key}'`,
    );
    expect(validateCustomHotkeys({ 'editor:save': { key: `${'x'.repeat(20)}+s` } }).ok).toBe(true);
  });

  it('refuses control characters in action keys (NUL cannot be stored in jsonb)', () => {
    expect(messageFor({ 'editor:sa\u0000ve': { key: 'a' } })).toBe(
      "Action key 'editor:sa\u0000ve' contains invalid characters",
    );
  });

  it('keeps only key and active, so nothing else a client sends is stored', () => {
    const result = validateCustomHotkeys({
      'editor:save': { key: 'ctrl+s', active: false, script: '<img onerror=x>' },
    });
    expect(result).toEqual({ ok: true, value: { 'editor:save': { key: 'ctrl+s', active: false } } });
  });

  it('keeps prototype-looking action keys as plain data', () => {
    const input = JSON.parse('{"__proto__:x": {"key": "a"}, "constructor:y": {"key": "b"}}') as unknown;
    const result = validateCustomHotkeys(input);
    expect(result.ok && Object.keys(result.value)).toEqual(['__proto__:x', 'constructor:y']);
    expect(result.ok && Object.getPrototypeOf(result.value)).toBe(Object.prototype);
  });
});
