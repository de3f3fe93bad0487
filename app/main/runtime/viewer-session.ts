/** One tuned-in viewer. Observational: it drives fanout and counts, never scheduling. */
export interface ViewerSession {
  id: string;
  channelNumber: number;
  startedAtMs: number;
  clientInfo: string;
}
