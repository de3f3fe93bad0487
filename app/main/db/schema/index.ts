export * from './library.ts';
export * from './channels.ts';
