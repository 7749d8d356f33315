/** Help text layout shared by every command. */

/** Help is wrapped to the terminal, at most 100 columns (80 when not a terminal: pipes, files). */
export const HELP_WIDTH = Math.min(100, process.stdout.columns ?? 80);

/**
 * An example as yargs shows it with an empty description: a "# what it does" line, then the
 * command broken at spaces with " \" continuations so that it never wraps mid-word and can be
 * pasted into a shell as is (an option stays with its value). yargs indents examples by 2 and
 * pads 2 on the right.
 */
export function exampleText(command: string, description: string, width = HELP_WIDTH): string {
  const room = width - 4;
  const lines: string[] = [];
  let cur = '';
  // Split at spaces outside quotes, so a quoted argument such as "p99 > +10%" stays whole, and
  // keep an option with its value on one line.
  const words = command.match(/(?:"[^"]*"|'[^']*'|\S)+/g) ?? [];
  const units: string[] = [];
  for (const w of words) {
    const last = units[units.length - 1];
    if (last !== undefined && /^--?[A-Za-z]/.test(last) && !last.includes(' ') && !w.startsWith('-')) units[units.length - 1] = `${last} ${w}`;
    else units.push(w);
  }
  for (const u of units) {
    if (cur !== '' && cur.length + 1 + u.length + 2 > room) {
      lines.push(`${cur} \\`);
      cur = u;
    } else cur = cur === '' ? u : `${cur} ${u}`;
  }
  lines.push(cur);
  // The description wraps too, each line a comment, so pasting the whole example is harmless.
  const said: string[] = [];
  for (const w of description.split(' ')) {
    const l = said.length - 1;
    if (l >= 0 && said[l].length + 1 + w.length <= room) said[l] += ` ${w}`;
    else said.push(`# ${w}`);
  }
  return [...said, ...lines].join('\n');
}
