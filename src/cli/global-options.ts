import type { Command } from 'commander';
import { setColor } from './output.js';

export interface GlobalOptions {
  lab?: string;
  json: boolean;
  color: boolean;
  verbose: boolean;
}

/** The options every command accepts, read from the root program wherever they were given. */
export function globalOptions(command: Command): GlobalOptions {
  const options = command.optsWithGlobals<Partial<GlobalOptions>>();
  const resolved: GlobalOptions = {
    lab: options.lab,
    json: Boolean(options.json),
    color: options.color !== false,
    verbose: Boolean(options.verbose),
  };
  setColor(resolved.color);
  return resolved;
}
