/**
 * zod compiles a fast path for each object schema (`new Function`) the first time it parses with it:
 * worth it over many parses, a loss for kthw, which parses a lab file and a state file once per
 * command. Without it the first parse of a lab file takes about a quarter less (20 ms of every start).
 * Imported for this side effect before any schema is used.
 */
import * as z from 'zod';

z.config({ jitless: true });
