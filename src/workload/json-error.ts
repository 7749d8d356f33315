/**
 * Locates the first syntax error in a JSON text. V8's JSON.parse messages only sometimes carry a
 * position ("Unexpected token '}', ... is not valid JSON" does not), so on failure the text is
 * scanned again here to give a line, a column and a plain description.
 */

export interface JsonErrorLocation {
  /** Offset into the text (UTF-16 code units). */
  offset: number;
  line: number;
  column: number;
  problem: string;
}

class Stop {
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {}
}

function describeChar(text: string, i: number): string {
  if (i >= text.length) return 'the end of the file';
  const ch = text[i];
  if (ch === '\n') return 'a line break';
  return JSON.stringify(ch);
}

export function locateJsonError(text: string): JsonErrorLocation | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const fail = (expected: string, hint = ''): never => {
    let extra = hint;
    if (text.startsWith('//', i) || text.startsWith('/*', i)) extra = ' (JSON does not allow comments)';
    else if (text[i] === "'") extra = ' (JSON strings need double quotes)';
    throw new Stop(i, `expected ${expected}, found ${describeChar(text, i)}${extra}`);
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail('a value');
  };
  const number = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail('a value');
    else i += m[0].length;
  };
  const string = (): void => {
    i++; // opening quote
    while (i < text.length) {
      const ch = text.charCodeAt(i);
      if (ch === 0x22) {
        i++;
        return;
      }
      if (ch < 0x20) throw new Stop(i, `unterminated string or raw control character ${describeChar(text, i)} in a string`);
      if (ch === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Stop(i, 'invalid \\u escape in a string');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else throw new Stop(i, `invalid escape "\\${e ?? ''}" in a string`);
      } else i++;
    }
    throw new Stop(i, 'unterminated string');
  };
  const value = (depth: number): void => {
    if (depth > 512) throw new Stop(i, 'nesting too deep');
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('a property name in double quotes', text[i] === '}' ? ' (JSON does not allow trailing commas)' : '');
        string();
        ws();
        if (text[i] !== ':') fail('":" after the property name');
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail('"," or "}" after a property value');
      }
    } else if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] === ']') fail('a value', ' (JSON does not allow trailing commas)');
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail('"," or "]" after an array element');
      }
    } else if (ch === '"') string();
    else if (ch === 't') literal('true');
    else if (ch === 'f') literal('false');
    else if (ch === 'n') literal('null');
    else if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) number();
    else fail('a value');
  };
  try {
    value(0);
    ws();
    if (i < text.length) fail('the end of the file after the top-level value');
    return undefined;
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    return { offset: e.offset, ...lineColumn(text, e.offset), problem: e.problem };
  }
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text[k] === '\n') {
      line++;
      start = k + 1;
    }
  }
  return { line, column: offset - start + 1 };
}
