/** Server-sent events as they arrive in pieces: whole events out, the unfinished rest kept. DOM-free. */

/** The `data` of each complete event in `buffer` (blank-line separated), and the text after the last one. */
export function takeEvents(buffer: string): { data: string[]; rest: string } {
  const data: string[] = [];
  let rest = buffer;
  let cut: number;
  while ((cut = rest.search(/\r?\n\r?\n/)) >= 0) {
    const block = rest.slice(0, cut);
    rest = rest.slice(cut).replace(/^\r?\n\r?\n/, '');
    data.push(
      block
        .split(/\r?\n/)
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n'),
    );
  }
  return { data, rest };
}
