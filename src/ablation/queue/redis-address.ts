import { InputError } from '../../errors.js';

/** Where the queue's Redis listens, from `--queue redis://[USER:PASSWORD@]HOST:PORT[/DB]`. */
export interface RedisAddress {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  /** The address without its password, for messages. */
  shown: string;
}

const DEFAULT_PORT = 6379;

/** Reads a `--queue` value; anything but a redis:// address is refused in one sentence. */
export function parseRedisAddress(text: string): RedisAddress {
  const refuse = (why: string): InputError => new InputError(`--queue must be a Redis address, redis://HOST:PORT (optionally redis://USER:PASSWORD@HOST:PORT/DB), got ${JSON.stringify(text)}: ${why}`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refuse('not a URL');
  }
  if (url.protocol !== 'redis:') throw refuse(`the scheme is ${url.protocol.replace(/:$/, '')}, not redis`);
  if (url.hostname === '') throw refuse('no host');
  const port = url.port === '' ? DEFAULT_PORT : Number(url.port);
  const path = url.pathname.replace(/^\//, '');
  if (!/^\d*$/.test(path)) throw refuse('the path must be a database number');
  if (url.search !== '' || url.hash !== '') throw refuse('it takes no query or fragment');
  const db = path === '' ? 0 : Number(path);
  // IPv6 hosts come bracketed; the client wants them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const username = url.username === '' ? undefined : decodeURIComponent(url.username);
  const password = url.password === '' ? undefined : decodeURIComponent(url.password);
  return { host, port, db, username, password, shown: `redis://${url.hostname}:${port}${db === 0 ? '' : `/${db}`}` };
}
