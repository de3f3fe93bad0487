/** Fault tests print each figure they measure, one line each, so a run doubles as a report. */
export function report(line: string): void {
  console.log(`fault: ${line}`);
}
