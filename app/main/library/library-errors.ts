/** Errors the operator can act on; the CLI prints their message as one line. */
export class LibraryError extends Error {}
