import { describe, expect, it } from 'vitest';
import { formatCsv, parseCsv, parseCsvRecords } from '../../src/calibrate/csv.js';

describe('CSV (csv-parse)', () => {
  it('reads RFC 4180 fields: quoted commas, doubled quotes, newlines, CRLF; skips blank lines', () => {
    const text = 'a,b,c\r\n1,"x, y","say ""hi"""\r\n\r\n2,"two\nlines",\n3\n';
    expect(parseCsv(text)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', 'say "hi"'],
      ['2', 'two\nlines', ''],
      ['3'],
    ]);
  });

  it('drops a byte-order mark, so the first column is found by its name', () => {
    // Spreadsheet exports of performance_schema tables start with one.
    expect(parseCsv('\uFEFFDIGEST,COUNT_STAR\nabc,5\n')[0]).toEqual(['DIGEST', 'COUNT_STAR']);
    expect(parseCsvRecords('\uFEFFDIGEST,COUNT_STAR\nabc,5\n')).toEqual([{ DIGEST: 'abc', COUNT_STAR: '5' }]);
  });

  it('reports an unclosed quote instead of swallowing the rest of the file', () => {
    expect(() => parseCsv('a,b\n1,"never closed\n2,3\n')).toThrow(/quote/i);
  });

  it('reads back what formatCsv writes', () => {
    const rows = [{ name: 'a,"b"', n: 1.5 }, { name: 'plain', n: 2 }];
    const text = formatCsv(['name', 'n'], rows);
    expect(parseCsvRecords(text)).toEqual([{ name: 'a,"b"', n: '1.5' }, { name: 'plain', n: '2' }]);
  });
});
