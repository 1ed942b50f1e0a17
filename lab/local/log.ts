/** Progress reporting: library code never prints; callers pass a `log` (the CLI prints, tests collect). */
export type LabLog = (message: string) => void;

export const silent: LabLog = () => {};
