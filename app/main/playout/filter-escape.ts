/**
 * Escaping for values placed inside an ffmpeg filtergraph.
 *
 * A value inside a filter's arguments is unescaped twice by ffmpeg: once by the
 * filtergraph parser (which splits on `[],;`) and once by the filter's option
 * parser (which splits on `:` and `=`). User text (captions, file paths) must
 * survive both, so it is quoted for the option level and then escaped for the
 * graph level. Never splice raw user text into a graph.
 */

/** Escape for the option-parser level: wrap in single quotes; a quote becomes '\''. */
export function quoteOptionValue(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Escape for the filtergraph level: backslash-escape the characters the graph parser treats specially. */
export function escapeGraphLevel(text: string): string {
  return text.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}

/** A value safe to use as `name=<value>` inside a filter in a filtergraph string. */
export function filterValue(value: string): string {
  // NUL cannot be passed in an argv anyway; other control characters are kept literal.
  return escapeGraphLevel(quoteOptionValue(value.replace(/\0/g, '')));
}
