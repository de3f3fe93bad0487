/** Names of the IPC channels between the Electron main process and the preload bridge. */

/** invoke → the station's control token, for the console's own window only (else null). */
export const CONTROL_TOKEN_CHANNEL = 'retrovue:control-token';
