export * from './library.ts';
export * from './channels.ts';
export * from './schedule.ts';
export * from './director.ts';
export * from './asrun.ts';
