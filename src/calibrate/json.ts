/** JSON for people: 2-space indent, but short arrays and objects (quantile pairs, distributions) on one line. */
export function prettyJson(v: unknown, width = 100): string {
  const fmt = (x: unknown, indent: string): string => {
    const flat = JSON.stringify(x);
    if (flat === undefined) return 'null';
    if (x === null || typeof x !== 'object' || indent.length + flat.length <= width) return flat.replace(/,(?=["\[{\d-])/g, ', ').replace(/":/g, '": ');
    const inner = `${indent}  `;
    if (Array.isArray(x)) return `[\n${x.map((e) => inner + fmt(e, inner)).join(',\n')}\n${indent}]`;
    const entries = Object.entries(x as Record<string, unknown>).filter(([, e]) => e !== undefined);
    return `{\n${entries.map(([k, e]) => `${inner}${JSON.stringify(k)}: ${fmt(e, inner)}`).join(',\n')}\n${indent}}`;
  };
  return `${fmt(v, '')}\n`;
}
