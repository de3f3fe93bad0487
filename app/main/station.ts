/**
 * The composition root: builds a station's parts with explicit dependencies.
 * Used by the Electron main process, the headless server and the CLI alike.
 */
import { SystemClock, type MasterClock } from './clock/master-clock.ts';
import { databaseFile } from './config/data-dir.ts';
import { openDatabase, type Db, type StationDatabase } from './db/database.ts';
import { ChannelService } from './channels/channel-service.ts';
import { LibraryService } from './library/library-service.ts';
import { Scanner } from './library/scanner.ts';
import { silentLogger, type Logger } from './logger.ts';

export interface StationOptions {
  dataDir: string;
  clock?: MasterClock;
  logger?: Logger;
}

export interface Station {
  dataDir: string;
  clock: MasterClock;
  logger: Logger;
  database: StationDatabase;
  db: Db;
  library: LibraryService;
  scanner: Scanner;
  channels: ChannelService;
  close(): void;
}

export function openStation(options: StationOptions): Station {
  const clock = options.clock ?? new SystemClock();
  const logger = options.logger ?? silentLogger();
  const database = openDatabase(databaseFile(options.dataDir));
  const db = database.db;
  const library = new LibraryService(db, clock);
  const scanner = new Scanner(db, library, clock);
  const channels = new ChannelService(db, library, clock);
  return {
    dataDir: options.dataDir,
    clock,
    logger,
    database,
    db,
    library,
    scanner,
    channels,
    close: () => database.close(),
  };
}
