import { EVENT_STORE } from '@app/event-store';
import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../app-config';
import { TRANSPARENCY, TransparencyLedger } from '../transparency/transparency-ledger';
import { tracedAppends } from '../tracing/tracing';
import { openStorage, type Storage } from './open-storage';

/** DI token of the process's `Storage` (events, SQL database, read models, checkpoints). */
export const STORAGE = Symbol('STORAGE');

/** Closes the storage after the consumers and the HTTP server have stopped. */
@Injectable()
class StorageShutdown implements OnApplicationShutdown {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  onApplicationShutdown(): Promise<void> {
    return this.storage.close();
  }
}

/** The configuration, the storage it names and the transparency log in it, for every module of an app. */
@Global()
@Module({})
export class StorageModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: StorageModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: STORAGE, useFactory: () => openStorage(config) },
        // Appends in a span each (a no-op while tracing is off).
        {
          provide: EVENT_STORE,
          inject: [STORAGE],
          useFactory: (s: Storage) => tracedAppends(s.events),
        },
        {
          provide: TRANSPARENCY,
          inject: [STORAGE],
          useFactory: (s: Storage) => TransparencyLedger.open(config, s),
        },
        StorageShutdown,
      ],
      exports: [APP_CONFIG, STORAGE, EVENT_STORE, TRANSPARENCY],
    };
  }
}
