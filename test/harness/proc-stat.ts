/**
 * The fields of a Linux `/proc/<pid>/stat` (or a thread's) line after the command name, which may
 * hold spaces and parentheses and ends at the line's last ')': element 0 is the state (field 3 of
 * proc(5)), 1 the ppid, 11 and 12 utime and stime, 38 the scheduling policy.
 */
export function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}
