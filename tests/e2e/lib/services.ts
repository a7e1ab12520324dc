/**
 * PostgreSQL and Redis for the queue-mode (scale) scripts: Debian's `postgresql` and `redis-server`
 * packages, installed with apt-get on first use when missing, each started on a free 127.0.0.1
 * port from a temporary data directory, in its own process group (lib/proc.ts), and stopped and
 * removed at cleanup whatever happens. PostgreSQL refuses to run as root, so when this script is
 * root its server runs as Debian's `postgres` system user.
 */
import {
	chownSync,
	existsSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from './ports';
import { log, onCleanup, run, startProcess, stopProcess, type Started } from './proc';

const POSTGRES_ROOT = '/usr/lib/postgresql';
const REDIS_SERVER = '/usr/bin/redis-server';
/** Debian's hook that tells package scripts not to start services (invoke-rc.d(8)). */
const POLICY_RC_D = '/usr/sbin/policy-rc.d';

/** uid and gid of a system user, from /etc/passwd (Debian's postgresql package creates `postgres`). */
function systemUser(name: string): { uid: number; gid: number } {
	const entry = readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.map((line) => line.split(':'))
		.find((fields) => fields[0] === name);
	if (!entry) throw new Error(`There is no system user "${name}" (/etc/passwd)`);
	return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

function isRoot(): boolean {
	return process.getuid?.() === 0;
}

/** The bin folder of the newest PostgreSQL Debian installed (`/usr/lib/postgresql/<major>/bin`). */
function postgresBinDir(): string | undefined {
	if (!existsSync(POSTGRES_ROOT)) return undefined;
	const majors = readdirSync(POSTGRES_ROOT)
		.filter(
			(name) => /^\d+$/.test(name) && existsSync(join(POSTGRES_ROOT, name, 'bin', 'postgres')),
		)
		.sort((a, b) => Number(b) - Number(a));
	return majors.length > 0 ? join(POSTGRES_ROOT, majors[0], 'bin') : undefined;
}

/**
 * Installs whichever of `postgresql` and `redis-server` is missing. Services a package would
 * start on its default port are kept from starting: this test starts its own, elsewhere.
 */
export async function ensureServicePackages(): Promise<void> {
	const missing = [
		...(postgresBinDir() ? [] : ['postgresql']),
		...(existsSync(REDIS_SERVER) ? [] : ['redis-server']),
	];
	if (missing.length === 0) return;
	if (!isRoot()) {
		throw new Error(
			`Queue mode needs ${missing.join(' and ')}: run \`sudo apt-get install ${missing.join(' ')}\` first.`,
		);
	}
	const started = Date.now();
	log(`Installing ${missing.join(' and ')} from Debian (apt-get, first run only)…`);
	const ownPolicy = !existsSync(POLICY_RC_D);
	if (ownPolicy) writeFileSync(POLICY_RC_D, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
	try {
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		await run('apt-get', ['update', '-qq'], { env, quiet: true, timeoutMs: 300_000 });
		await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
			env,
			quiet: true,
			timeoutMs: 600_000,
		});
	} finally {
		if (ownPolicy) rmSync(POLICY_RC_D, { force: true });
	}
	log(`  done in ${Math.round((Date.now() - started) / 1000)} s`);
}

export interface Service extends Started {
	port: number;
	stop(): Promise<void>;
}

/** Temporary data directory, removed after the service has stopped. */
function dataDir(prefix: string): string {
	return mkdtempSync(join(tmpdir(), `appwrite-suite-${prefix}-`));
}

/** `firstSignal`: what the server takes as "shut down now" when SIGTERM would wait (PostgreSQL). */
function asService(
	started: Started,
	port: number,
	dir: string,
	firstSignal?: NodeJS.Signals,
): Service {
	let stopped: Promise<void> | undefined;
	const stop = () =>
		(stopped ??= (async () => {
			if (firstSignal) started.child.kill(firstSignal);
			await stopProcess(started.child, 10_000);
			rmSync(dir, { recursive: true, force: true });
		})());
	onCleanup(stop);
	return { ...started, port, stop };
}

async function waitUntil(
	what: string,
	started: Started,
	ready: () => Promise<boolean>,
	timeoutMs = 60_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (started.child.exitCode !== null || started.child.signalCode !== null) {
			throw new Error(
				`${what} exited (code ${started.child.exitCode ?? started.child.signalCode}):\n${started.output().slice(-3000)}`,
			);
		}
		if (await ready()) return;
		if (Date.now() > deadline)
			throw new Error(
				`${what} was not ready within ${timeoutMs} ms:\n${started.output().slice(-3000)}`,
			);
		await new Promise((r) => setTimeout(r, 200));
	}
}

/** Redis's PING over a plain TCP connection: true when it answers +PONG. */
function redisAnswers(port: number): Promise<boolean> {
	return new Promise((done) => {
		const socket = connect({ host: '127.0.0.1', port });
		socket.setTimeout(1000);
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.once('data', (data) => {
			socket.destroy();
			done(data.toString().startsWith('+PONG'));
		});
		socket.once('error', () => done(false));
		socket.once('timeout', () => {
			socket.destroy();
			done(false);
		});
	});
}

/** redis-server on a free loopback port, nothing persisted. */
export async function startRedis(): Promise<Service> {
	const port = await freePort();
	const dir = dataDir('redis');
	const started = startProcess(REDIS_SERVER, [
		'--port',
		String(port),
		'--bind',
		'127.0.0.1',
		'--dir',
		dir,
		'--save',
		'',
		'--appendonly',
		'no',
		'--daemonize',
		'no',
		'--loglevel',
		'warning',
	]);
	const service = asService(started, port, dir);
	await waitUntil('redis-server', started, () => redisAnswers(port));
	return service;
}

export interface Postgres extends Service {
	host: string;
	user: string;
	password: string;
	/** A database created empty for n8n. */
	database: string;
	/** Runs one SQL statement with psql and returns its rows, tab-separated. */
	query(sql: string, database?: string): Promise<string[][]>;
}

/** Test-only credentials of a server that only listens on 127.0.0.1 and is deleted afterwards. */
const PG_USER = 'n8n';
const PG_PASSWORD = 'appwrite-suite-scale-not-a-secret';

/**
 * PostgreSQL on a free loopback port from a fresh cluster (initdb) in a temporary folder, with
 * password authentication and one empty database for n8n.
 */
export async function startPostgres(database = 'n8n'): Promise<Postgres> {
	const bin = postgresBinDir();
	if (!bin) throw new Error(`PostgreSQL is not installed (${POSTGRES_ROOT}/<version>/bin)`);
	const port = await freePort();
	const dir = dataDir('pg');
	// as root, the server runs as the `postgres` system user, which must own its files
	const asUser = isRoot()
		? ['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups', '--']
		: [];
	if (isRoot()) {
		const { uid, gid } = systemUser('postgres');
		chownSync(dir, uid, gid);
	}
	const passwordFile = join(dir, 'password');
	writeFileSync(passwordFile, PG_PASSWORD, { mode: 0o644 });
	const cluster = join(dir, 'data');
	const as = (command: string, args: string[]): [string, string[]] =>
		asUser.length > 0 ? [asUser[0], [...asUser.slice(1), command, ...args]] : [command, args];

	await run(
		...as(join(bin, 'initdb'), [
			'-D',
			cluster,
			'-U',
			PG_USER,
			`--pwfile=${passwordFile}`,
			'--auth=scram-sha-256',
			'-E',
			'UTF8',
			'--locale=C',
			'--no-sync',
		]),
		{ cwd: dir, quiet: true, timeoutMs: 120_000, env: { ...process.env, HOME: dir } },
	);
	rmSync(passwordFile, { force: true });
	const started = startProcess(
		...as(join(bin, 'postgres'), [
			'-D',
			cluster,
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			`port=${port}`,
			'-c',
			`unix_socket_directories=${dir}`,
			'-c',
			'max_connections=100',
		]),
		{ cwd: dir, env: { ...process.env, HOME: dir } },
	);
	// SIGTERM makes PostgreSQL wait for its clients to disconnect; SIGINT ends their sessions first
	const service = asService(started, port, dir, 'SIGINT');
	const psqlEnv = { ...process.env, PGPASSWORD: PG_PASSWORD, PGCONNECT_TIMEOUT: '2' };
	const query = async (sql: string, db = database): Promise<string[][]> => {
		const { stdout } = await run(
			join(bin, 'psql'),
			[
				'-h',
				'127.0.0.1',
				'-p',
				String(port),
				'-U',
				PG_USER,
				'-d',
				db,
				'-X',
				'-A',
				'-t',
				'-F',
				'\t',
				'-v',
				'ON_ERROR_STOP=1',
				'-c',
				sql,
			],
			{ env: psqlEnv, quiet: true, timeoutMs: 30_000 },
		);
		return stdout
			.split('\n')
			.filter((line) => line.length > 0)
			.map((line) => line.split('\t'));
	};
	await waitUntil('postgres', started, async () => {
		const { code } = await run(
			join(bin, 'pg_isready'),
			['-h', '127.0.0.1', '-p', String(port), '-q'],
			{ quiet: true, allowFailure: true },
		);
		return code === 0;
	});
	await query(`CREATE DATABASE ${database}`, 'postgres');
	return { ...service, host: '127.0.0.1', user: PG_USER, password: PG_PASSWORD, database, query };
}
