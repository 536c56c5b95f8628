type Form = Record<string, unknown>;

/** A text field of a posted form; '' when absent or not text. */
export const field = (body: unknown, name: string): string => {
  const value = (body as Form | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};

/** A checkbox of a posted form, as browsers and Django send it. */
export const checked = (body: unknown, name: string): boolean => {
  const value = field(body, name).toLowerCase();
  return value === 'on' || value === 'true' || value === '1';
};
