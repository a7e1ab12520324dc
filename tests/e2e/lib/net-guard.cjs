/**
 * Loaded into every n8n process of the e2e scripts with NODE_OPTIONS=--require. Keeps all network
 * traffic on this machine: a DNS lookup of any name but localhost, or a TCP connection to any
 * address but a loopback one, fails at once (as an unresolvable name does), and is appended to the
 * file named by E2E_NET_GUARD_LOG, one JSON line each, so the e2e test can report who tried.
 * Plain CommonJS on purpose: it runs before n8n, in Node 24, without tsx.
 */
'use strict';

const dns = require('node:dns');
const fs = require('node:fs');
const net = require('node:net');

const logFile = process.env.E2E_NET_GUARD_LOG;

function isLoopbackName(host) {
	if (typeof host !== 'string' || host === '') return true; // unix sockets, defaults
	const h = host.toLowerCase().replace(/^\[|\]$/g, '');
	return (
		h === 'localhost' ||
		h.endsWith('.localhost') ||
		h === '::1' ||
		/^127\./.test(h) ||
		h === '0.0.0.0' ||
		h === '::'
	);
}

function record(kind, target) {
	if (!logFile) return;
	const stack = (new Error().stack || '')
		.split('\n')
		.slice(3, 12)
		.map((l) => l.trim())
		.filter((l) => !l.includes('net-guard.cjs'));
	try {
		fs.appendFileSync(
			logFile,
			`${JSON.stringify({ pid: process.pid, argv: process.argv.slice(2, 3), kind, target, stack })}\n`,
		);
	} catch {
		/* the log is best effort */
	}
}

function refusal(host) {
	const error = new Error(
		`getaddrinfo ENOTFOUND ${host} (blocked by the e2e network guard: traffic must stay on 127.0.0.1)`,
	);
	error.code = 'ENOTFOUND';
	error.errno = -3008;
	error.syscall = 'getaddrinfo';
	error.hostname = host;
	return error;
}

const originalLookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, options, callback) {
	if (!isLoopbackName(hostname)) {
		const cb = typeof options === 'function' ? options : callback;
		record('dns', hostname);
		process.nextTick(() => cb(refusal(hostname)));
		return {};
	}
	return originalLookup.apply(this, arguments);
};

const originalPromisesLookup = dns.promises.lookup;
dns.promises.lookup = function guardedPromisesLookup(hostname) {
	if (!isLoopbackName(hostname)) {
		record('dns', hostname);
		return Promise.reject(refusal(hostname));
	}
	return originalPromisesLookup.apply(this, arguments);
};

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
	let options = args[0];
	if (Array.isArray(options)) options = options[0]; // internal normalized form
	let host;
	let port;
	if (options && typeof options === 'object') {
		host = options.host;
		port = options.port;
	} else if (
		typeof options === 'number' ||
		(typeof options === 'string' && /^\d+$/.test(options))
	) {
		port = options;
		host = typeof args[1] === 'string' ? args[1] : undefined;
	}
	// only literal addresses matter here: names go through dns.lookup above
	if (host && net.isIP(host.replace(/^\[|\]$/g, '')) && !isLoopbackName(host)) {
		record('connect', `${host}:${port}`);
		process.nextTick(() => this.destroy(refusal(host)));
		return this;
	}
	return originalConnect.apply(this, args);
};
