/** How the preload finds the station's API address; pure so it can be tested without Electron. */

/** The main process passes the station origin as `--retrovue-api-base=<origin>` (additionalArguments). */
export const API_BASE_ARG = '--retrovue-api-base=';

/** The API origin from the process arguments, falling back to the page's own http(s) origin. */
export function apiBaseFrom(argv: readonly string[], location: { protocol: string; origin: string } | undefined): string {
  const arg = argv.find((a) => a.startsWith(API_BASE_ARG));
  if (arg) return arg.slice(API_BASE_ARG.length).trim().replace(/\/+$/, '');
  if (location && (location.protocol === 'http:' || location.protocol === 'https:')) return location.origin;
  return '';
}
