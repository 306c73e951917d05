/**
 * The threads of this process with their names and Linux scheduling policies, read from /proc.
 * The policy is field 41 of a thread's `stat` (proc-stat.ts), which every kernel has (`sched`
 * needs scheduler debugging built in). Imported by the scheduling tests and by the scripts they
 * run elsewhere.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { statFields } from './proc-stat.js';

/** SCHED_OTHER and SCHED_IDLE, as `stat` numbers them. */
export const SCHED_OTHER = 0;
export const SCHED_IDLE = 5;

export interface ThreadPolicy {
  tid: string;
  name: string;
  policy: number;
}

/** The scheduling policy in the text of a thread's `stat` file. */
export function policyOfStat(stat: string): number {
  return Number(statFields(stat)[38]);
}

/** The scheduling policy of the thread that calls it. */
export function ownPolicy(): number {
  return policyOfStat(readFileSync('/proc/thread-self/stat', 'utf8'));
}

/** Every thread of this process; one that ends while the list is read is left out. */
export function threadPolicies(): ThreadPolicy[] {
  const out: ThreadPolicy[] = [];
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      out.push({ tid, name, policy: policyOfStat(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')) });
    } catch {
      // The thread ended.
    }
  }
  return out;
}
