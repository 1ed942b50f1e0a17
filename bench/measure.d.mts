export function timeCommand(argv: string[], options?: object): number;
export function median(values: number[]): number;
export interface Comparison {
  subject: number;
  baseline: number;
  ratio: number;
}
export function compare(subject: () => number, baseline: () => number, rounds?: number): Comparison;
export function report(name: string, result: Comparison, subjectLabel: string, baselineLabel: string, goal?: number): void;
