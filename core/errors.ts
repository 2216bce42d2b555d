// Bad input or configuration: the CLI prints the message alone (no stack) and exits with 2.
export class InputError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
