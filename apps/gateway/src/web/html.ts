/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A template tag whose interpolations are escaped unless wrapped in `raw()`. */
export class RawHtml {
  constructor(readonly html: string) {}
}
export const raw = (html: string) => new RawHtml(html);

export function html(strings: TemplateStringsArray, ...values: unknown[]): RawHtml {
  let out = strings[0];
  values.forEach((value, i) => {
    const parts = Array.isArray(value) ? value : [value];
    for (const part of parts) {
      if (part instanceof RawHtml) out += part.html;
      else if (part !== undefined && part !== null && part !== false) out += escapeHtml(String(part));
    }
    out += strings[i + 1];
  });
  return new RawHtml(out);
}

export function page(title: string, body: RawHtml): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · Label Studio</title>
        <link rel="stylesheet" href="/static/app.css" />
      </head>
      <body>
        <main class="card">${body}</main>
      </body>
    </html>`.html;
}

export const STYLESHEET = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
body { margin: 0; background: #f4f4f6; color: #1f1f24; }
.card { max-width: 26rem; margin: 4rem auto; background: #fff; padding: 2rem; border-radius: 8px;
  box-shadow: 0 1px 4px rgba(0,0,0,.12); }
h1 { font-size: 1.5rem; margin: 0 0 1.25rem; }
label { display: block; font-weight: 600; margin: 1rem 0 .35rem; }
input[type=email], input[type=password], input[type=text] { width: 100%; box-sizing: border-box;
  padding: .6rem; border: 1px solid #767680; border-radius: 4px; font-size: 1rem; }
input:focus, button:focus, a:focus { outline: 3px solid #1d5fd6; outline-offset: 2px; }
.check { display: flex; gap: .5rem; align-items: center; font-weight: 400; }
button { margin-top: 1.5rem; width: 100%; padding: .7rem; font-size: 1rem; border: 0; border-radius: 4px;
  background: #1d5fd6; color: #fff; cursor: pointer; }
.errors { background: #fdecec; color: #8a1111; border: 1px solid #e3a5a5; padding: .75rem; border-radius: 4px; }
.errors ul { margin: 0; padding-left: 1.2rem; }
.alt { margin-top: 1.25rem; text-align: center; }
a { color: #1549a8; }
code { word-break: break-all; }
`;
