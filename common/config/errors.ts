/** A config problem as the API and logs report it: a JSON pointer and a sentence. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** Thrown when a config cannot be used; carries every problem found, not just the first. */
export class ConfigInvalidError extends Error {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(`invalid config: ${issues.map((i) => `${i.path || '/'}: ${i.message}`).join('; ')}`);
    this.name = 'ConfigInvalidError';
    this.issues = issues;
  }
}
