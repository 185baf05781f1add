#!/usr/bin/env node
// Times OpenPGP.js 6 like bench-sop.sh times a SOP tool: every operation is a fresh node process under GNU time
// (wall, user, system, peak RSS), BENCH_RUNS times, and one row of lib.sh's columns per key profile:
//   v4: Curve25519 (legacy formats), SEIPD v1        v6: Ed25519 + X25519 (RFC 9580), SEIPD v2 with OCB
// Data goes through Web Streams (file in, file out); OpenPGP.js holds back unauthenticated SEIPD v1 plaintext until
// the end, as it does by default.
//
// Usage: node benchmarks/peers/bench-openpgpjs.mjs [SIZE_MIB]
// Environment: OPENPGPJS_DIR (folder holding node_modules/openpgp; eng/interop/install-peers.sh installs it),
// OPENPGPJS_PROFILES ("v4 v6"), OPENPGPJS_MODES (only "stream"), and lib.sh's BENCH_* variables.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { pathToFileURL, fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const moduleDir = path.join(process.env.OPENPGPJS_DIR ?? '', 'node_modules', 'openpgp');
const load = () => import(pathToFileURL(path.join(moduleDir, 'dist', 'node', 'openpgp.mjs')).href);

// ---- one operation (the timed child process) ---------------------------------------------------------------------
async function child([op, profile, work, input]) {
  const openpgp = await load();
  const file = (name) => path.join(work, name);
  const readArmored = (name) => fs.readFileSync(file(name), 'utf8');
  const toFile = async (stream, name) => {
    const out = fs.createWriteStream(file(name));
    for await (const chunk of stream) if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
    await new Promise((r, j) => out.end((e) => (e ? j(e) : r())));
  };
  const inStream = (name) => Readable.toWeb(fs.createReadStream(name));
  switch (op) {
    case 'version': return;
    case 'keygen': {
      const v6 = profile === 'v6';
      const { privateKey, publicKey } = await openpgp.generateKey({ type: v6 ? 'curve25519' : 'ecc',
        curve: v6 ? undefined : 'curve25519Legacy', userIDs: [{ name: 'Bench', email: 'bench@example.invalid' }],
        format: 'armored', config: { v6Keys: v6 } });
      fs.writeFileSync(file('key.asc'), privateKey);
      fs.writeFileSync(file('cert.asc'), publicKey);
      return;
    }
    case 'encrypt': {
      const encryptionKeys = await openpgp.readKey({ armoredKey: readArmored('cert.asc') });
      const message = await openpgp.createMessage({ binary: inStream(input) });
      return toFile(await openpgp.encrypt({ message, encryptionKeys, format: 'binary' }), 'msg.pgp');
    }
    case 'decrypt': {
      const decryptionKeys = await openpgp.readPrivateKey({ armoredKey: readArmored('key.asc') });
      const message = await openpgp.readMessage({ binaryMessage: inStream(file('msg.pgp')) });
      const { data } = await openpgp.decrypt({ message, decryptionKeys, format: 'binary' });
      return toFile(data, 'plain.out');
    }
    case 'sign': {
      const signingKeys = await openpgp.readPrivateKey({ armoredKey: readArmored('key.asc') });
      const message = await openpgp.createMessage({ binary: inStream(input) });
      return toFile(await openpgp.sign({ message, signingKeys, detached: true, format: 'binary' }), 'data.sig');
    }
    case 'verify': {
      const verificationKeys = await openpgp.readKey({ armoredKey: readArmored('cert.asc') });
      const signature = await openpgp.readSignature({ binarySignature: fs.readFileSync(file('data.sig')) });
      const message = await openpgp.createMessage({ binary: inStream(input) });
      const { data, signatures } = await openpgp.verify({ message, signature, verificationKeys, format: 'binary' });
      const reader = data.getReader(); // the hash runs as the data is read
      while (!(await reader.read()).done) { /* discard */ }
      await signatures[0].verified;
      return;
    }
    default: throw new Error(`unknown operation ${op}`);
  }
}

// ---- the timing parent -----------------------------------------------------------------------------------------
function timed(impl, sizeMib, op, bytes, args, work, round, run) {
  const timeFile = path.join(work, 'time.txt');
  const started = process.hrtime.bigint();
  const r = spawnSync(process.env.BENCH_TIME ?? '/usr/bin/time', ['-o', timeFile, '-f', '%U %S %M', process.execPath, self, 'child', ...args],
    { env: process.env, stdio: ['ignore', 'ignore', 'pipe'] });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const [user, sys, rss] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ');
  const rc = r.status ?? 1;
  if (process.env.BENCH_DETAIL) {
    fs.appendFileSync(process.env.BENCH_DETAIL, [impl, sizeMib, op, round, run, wall.toFixed(4), user, sys, rss, bytes, rc,
      os.loadavg()[0].toFixed(2)].join('\t') + '\n');
  }
  process.stderr.write(`[${impl}] ${op} run ${run}: ${wall.toFixed(4)}s wall, ${user}s user, ${sys}s sys, ${Math.round(rss / 1024)} MiB peak\n`);
  if (rc !== 0) process.stderr.write(`[${impl}] ${op} FAILED (exit ${rc}): ${r.stderr.toString().slice(0, 400)}\n`);
  return { wall, rss: Number(rss), ok: rc === 0 };
}

function median(values) {
  const v = [...values].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

async function parent([sizeArg]) {
  const sizeMib = Number(sizeArg ?? 256);
  if (!Number.isInteger(sizeMib) || sizeMib <= 0) throw new Error('size must be a positive number of MiB');
  const runs = Number(process.env.BENCH_RUNS ?? 3), round = process.env.BENCH_ROUND ?? '1';
  const bytes = sizeMib * 1048576;
  const version = JSON.parse(fs.readFileSync(path.join(moduleDir, 'package.json'), 'utf8')).version;
  const base = fs.mkdtempSync(path.join(process.env.BENCH_WORKDIR ?? os.tmpdir(), 'openpgpjs.'));
  try {
    let input = process.env.BENCH_INPUT;
    if (!input) {
      input = path.join(base, 'input.bin');
      const r = spawnSync('bash', ['-c', `source "${path.join(path.dirname(self), 'lib.sh')}" && bench_make_input "$0" "$1"`, input, String(sizeMib)]);
      if (r.status !== 0) throw new Error('cannot make the input');
    }
    if (process.env.BENCH_NO_HEADER !== '1') {
      console.log(['impl', 'version', 'size_mib', 'runs', 'startup_s', 'keygen_s', 'encrypt_MBps', 'encrypt_rss_MiB', 'decrypt_MBps',
        'decrypt_rss_MiB', 'sign_MBps', 'sign_rss_MiB', 'verify_MBps', 'verify_rss_MiB', 'ct_overhead_bytes', 'sig_bytes', 'notes'].join('\t'));
    }
    const modes = (process.env.OPENPGPJS_MODES ?? 'stream').split(/\s+/).filter(Boolean);
    if (modes.some((m) => m !== 'stream')) throw new Error('only the stream mode is measured');
    for (const profile of (process.env.OPENPGPJS_PROFILES ?? 'v4 v6').split(/\s+/).filter(Boolean)) {
      const impl = `openpgpjs-${profile}-stream`;
      const work = fs.mkdtempSync(path.join(base, `${profile}.`));
      const op = (name, n) => {
        const results = [];
        for (let run = 1; run <= runs; run++) {
          const r = timed(impl, sizeMib, name, n, [name, profile, work, input], work, round, run);
          results.push(r);
          if (!r.ok) return { mbps: 'FAIL', rss: 'FAIL', wall: NaN, ok: false };
        }
        const wall = median(results.map((r) => r.wall));
        return { wall, ok: true, mbps: n ? (n / 1e6 / wall).toFixed(1) : '-', rss: Math.round(median(results.map((r) => r.rss)) / 1024) };
      };
      const startup = op('version', 0), keygen = op('keygen', 0);
      const enc = op('encrypt', bytes), dec = enc.ok ? op('decrypt', bytes) : { mbps: '-', rss: '-' };
      if (dec.ok && Buffer.compare(fs.readFileSync(path.join(work, 'plain.out')), fs.readFileSync(input)) !== 0) dec.mbps = 'CORRUPT';
      const sign = op('sign', bytes), verify = sign.ok ? op('verify', bytes) : { mbps: '-', rss: '-' };
      const size = (name) => (fs.existsSync(path.join(work, name)) ? fs.statSync(path.join(work, name)).size : NaN);
      console.log([impl, `OpenPGP.js ${version}`, sizeMib, runs, startup.wall.toFixed(4), keygen.wall.toFixed(4), enc.mbps, enc.rss,
        dec.mbps, dec.rss, sign.mbps, sign.rss, verify.mbps, verify.rss, enc.ok ? size('msg.pgp') - bytes : '-',
        sign.ok ? size('data.sig') : '-', profile === 'v6' ? 'v6 key, SEIPD v2 (OCB), Web Streams' : 'v4 key, SEIPD v1, Web Streams'].join('\t'));
    }
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}

const [mode, ...rest] = process.argv.slice(2);
try {
  await (mode === 'child' ? child(rest) : parent([mode, ...rest]));
} catch (e) {
  process.stderr.write(`bench-openpgpjs: ${e.message}\n`);
  process.exit(1);
}
