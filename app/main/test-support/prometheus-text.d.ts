declare module 'parse-prometheus-text-format' {
  interface Sample { value: string; labels?: Record<string, string>; buckets?: Record<string, string>; count?: string; sum?: string }
  interface Family { name: string; help: string; type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED'; metrics: Sample[] }
  export default function parsePrometheusTextFormat(text: string): Family[];
}

declare module 'm3u8-parser' {
  interface ParsedSegment { uri: string; duration: number; discontinuity?: boolean; dateTimeString?: string; dateTimeObject?: Date; programDateTime?: number }
  interface Manifest { targetDuration?: number; mediaSequence?: number; discontinuitySequence?: number; endList?: boolean; segments: ParsedSegment[] }
  export class Parser {
    push(text: string): void;
    end(): void;
    manifest: Manifest;
  }
}
