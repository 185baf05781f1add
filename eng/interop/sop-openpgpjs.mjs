#!/usr/bin/env node
// A small Stateless OpenPGP (SOP) command over OpenPGP.js 6, so that OpenPGP.js can take part in the interop matrix
// (eng/interop/run.sh) as a peer. It covers the subcommands and options the matrix uses:
//   version, list-profiles, generate-key [--profile=default|rfc9580], extract-cert, sign, verify, encrypt, decrypt,
//   inline-sign, inline-verify, armor, dearmor
// with --no-armor, --as=binary|text|clearsigned, --sign-with, --with-password, --verify-with, --verifications-out,
// --session-key-out and --with-session-key. Anything else exits 37 (option) or 69 (subcommand), as SOP asks.
// OpenPGP.js is loaded from $OPENPGPJS_DIR/node_modules/openpgp (eng/interop/install-peers.sh puts it there).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const EXIT = { NO_SIGNATURE: 3, MISSING_ARG: 19, CANNOT_DECRYPT: 29, UNSUPPORTED_OPTION: 37, BAD_DATA: 41,
  UNSUPPORTED_SUBCOMMAND: 69, UNSUPPORTED_PROFILE: 89 };

class SopError extends Error {
  constructor(code, message) { super(message); this.code = code; }
}

const dir = process.env.OPENPGPJS_DIR;
if (!dir) { console.error('sop-openpgpjs: OPENPGPJS_DIR is not set'); process.exit(1); }
const openpgp = await import(pathToFileURL(path.join(dir, 'node_modules', 'openpgp', 'dist', 'node', 'openpgp.mjs')).href);
const version = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'openpgp', 'package.json'), 'utf8')).version;

// ---- arguments: --flag, --option=value (or --option value), positional ----------------------------------------
const FLAGS = new Set(['--no-armor', '--backend']);
const OPTIONS = new Set(['--as', '--profile', '--sign-with', '--with-password', '--verify-with', '--verifications-out',
  '--verify-out', '--session-key-out', '--with-session-key']);

function parse(argv) {
  const flags = new Set(), options = new Map(), positional = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) { positional.push(a); continue; }
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (FLAGS.has(name) && eq < 0) { flags.add(name); continue; }
    if (!OPTIONS.has(name)) throw new SopError(EXIT.UNSUPPORTED_OPTION, `unsupported option ${name}`);
    const value = eq < 0 ? argv[++i] : a.slice(eq + 1);
    if (value === undefined) throw new SopError(EXIT.MISSING_ARG, `${name} needs a value`);
    const key = name === '--verify-out' ? '--verifications-out' : name;
    if (!options.has(key)) options.set(key, []);
    options.get(key).push(value);
  }
  return { flags, positional, all: (n) => options.get(n) ?? [], one: (n) => (options.get(n) ?? [])[0] };
}

const readStdin = () => fs.readFileSync(0);
const readFile = (f) => fs.readFileSync(f);
const write = (data) => fs.writeSync(1, typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data));
const isArmored = (bytes) => Buffer.from(bytes.subarray(0, 64)).toString('latin1').trimStart().startsWith('-----BEGIN PGP');
// SOP passwords: trailing whitespace is not part of the password.
const password = (f) => readFile(f).toString('utf8').replace(/[\r\n\t ]+$/, '');

async function readKeys(files, secret) {
  const keys = [];
  for (const f of files) {
    const bytes = readFile(f);
    const read = secret ? openpgp.readPrivateKeys : openpgp.readKeys;
    keys.push(...await read(isArmored(bytes) ? { armoredKeys: bytes.toString('utf8') } : { binaryKeys: new Uint8Array(bytes) }));
  }
  return keys;
}

async function readMessage(bytes) {
  return isArmored(bytes) ? openpgp.readMessage({ armoredMessage: bytes.toString('utf8') })
    : openpgp.readMessage({ binaryMessage: new Uint8Array(bytes) });
}

const hex = (bytes) => Buffer.from(bytes).toString('hex').toUpperCase();

// One SOP verification line per good signature: TIME SIGNING-FPR PRIMARY-FPR mode:MODE.
async function verificationLines(signatures, certs) {
  const lines = [];
  for (const s of signatures) {
    try { await s.verified; } catch { continue; }
    const packet = (await s.signature).packets[0];
    for (const cert of certs) {
      const [key] = cert.getKeys(s.keyID);
      if (!key) continue;
      const mode = packet.signatureType === openpgp.enums.signature.text ? 'text' : 'binary';
      lines.push(`${packet.created.toISOString().replace(/\.\d{3}Z$/, 'Z')} ${key.getFingerprint().toUpperCase()} ${cert.getFingerprint().toUpperCase()} mode:${mode}`);
      break;
    }
  }
  return lines;
}

function dataMessage(bytes, as) {
  if (as === 'text') return openpgp.createMessage({ text: bytes.toString('utf8') });
  if (as && as !== 'binary') throw new SopError(EXIT.UNSUPPORTED_OPTION, `--as=${as} is not supported`);
  return openpgp.createMessage({ binary: new Uint8Array(bytes) });
}

// SEIPDv2 carries its cipher in the packet; the session key of a v6 PKESK then comes back without an algorithm.
function cipherOf(message, sessionKey) {
  if (sessionKey.algorithm) return openpgp.enums.write(openpgp.enums.symmetric, sessionKey.algorithm);
  const seipd = message.packets.filterByTag(openpgp.enums.packet.symEncryptedIntegrityProtectedData)[0];
  return seipd?.cipherAlgorithm ?? 0;
}

const commands = {
  async version(args) {
    write(args.flags.has('--backend') ? `OpenPGP.js ${version}\n` : `sop-openpgpjs ${version}\n`);
  },
  async 'list-profiles'(args) {
    if (args.positional[0] !== 'generate-key') throw new SopError(EXIT.UNSUPPORTED_PROFILE, 'only generate-key has profiles');
    write('default: v4 key, Ed25519 and Curve25519 (legacy formats)\nrfc9580: v6 key, Ed25519 and X25519\n');
  },
  async 'generate-key'(args) {
    const profile = args.one('--profile') ?? 'default';
    if (profile !== 'default' && profile !== 'rfc9580') throw new SopError(EXIT.UNSUPPORTED_PROFILE, `no profile ${profile}`);
    const v6 = profile === 'rfc9580';
    const userIDs = args.positional.map((u) => {
      const m = /^(.*?)\s*<([^>]+)>$/.exec(u);
      return m ? { name: m[1], email: m[2] } : { name: u };
    });
    const { privateKey } = await openpgp.generateKey({ type: v6 ? 'curve25519' : 'ecc', curve: v6 ? undefined : 'curve25519Legacy',
      userIDs, format: 'object', config: { v6Keys: v6 } });
    write(args.flags.has('--no-armor') ? privateKey.write() : privateKey.armor());
  },
  async 'extract-cert'(args) {
    const input = readStdin();
    const keys = await openpgp.readPrivateKeys(isArmored(input) ? { armoredKeys: input.toString('utf8') } : { binaryKeys: new Uint8Array(input) });
    const certs = keys.map((k) => k.toPublic());
    for (const c of certs) write(args.flags.has('--no-armor') ? c.write() : c.armor());
  },
  async sign(args) {
    const signingKeys = await readKeys(args.positional, true);
    const message = await dataMessage(readStdin(), args.one('--as'));
    const format = args.flags.has('--no-armor') ? 'binary' : 'armored';
    write(await openpgp.sign({ message, signingKeys, detached: true, format }));
  },
  async verify(args) {
    const [sigFile, ...certFiles] = args.positional;
    const certs = await readKeys(certFiles, false);
    const sigBytes = readFile(sigFile);
    const signature = await (isArmored(sigBytes) ? openpgp.readSignature({ armoredSignature: sigBytes.toString('utf8') })
      : openpgp.readSignature({ binarySignature: new Uint8Array(sigBytes) }));
    const message = await openpgp.createMessage({ binary: new Uint8Array(readStdin()) });
    const { signatures } = await openpgp.verify({ message, signature, verificationKeys: certs, format: 'binary' });
    const lines = await verificationLines(signatures, certs);
    if (lines.length === 0) throw new SopError(EXIT.NO_SIGNATURE, 'no good signature');
    write(lines.join('\n') + '\n');
  },
  async 'inline-sign'(args) {
    const signingKeys = await readKeys(args.positional, true);
    const as = args.one('--as') ?? 'binary';
    if (as === 'clearsigned') {
      const message = await openpgp.createCleartextMessage({ text: readStdin().toString('utf8') });
      write(await openpgp.sign({ message, signingKeys }));
      return;
    }
    const message = await dataMessage(readStdin(), as);
    write(await openpgp.sign({ message, signingKeys, format: args.flags.has('--no-armor') ? 'binary' : 'armored' }));
  },
  async 'inline-verify'(args) {
    const certs = await readKeys(args.positional, false);
    const input = readStdin();
    const clear = input.toString('latin1').trimStart().startsWith('-----BEGIN PGP SIGNED MESSAGE');
    const message = clear ? await openpgp.readCleartextMessage({ cleartextMessage: input.toString('utf8') }) : await readMessage(input);
    const { data, signatures } = await openpgp.verify({ message, verificationKeys: certs, format: clear ? 'utf8' : 'binary' });
    const lines = await verificationLines(signatures, certs);
    if (lines.length === 0) throw new SopError(EXIT.NO_SIGNATURE, 'no good signature');
    write(data);
    const out = args.one('--verifications-out');
    if (out) fs.writeFileSync(out, lines.join('\n') + '\n');
  },
  async encrypt(args) {
    const encryptionKeys = await readKeys(args.positional, false);
    const signingKeys = await readKeys(args.all('--sign-with'), true);
    const passwords = args.all('--with-password').map(password);
    const message = await dataMessage(readStdin(), args.one('--as'));
    const sessionKey = await openpgp.generateSessionKey({ encryptionKeys });
    const format = args.flags.has('--no-armor') ? 'binary' : 'armored';
    write(await openpgp.encrypt({ message, encryptionKeys, signingKeys, passwords: passwords.length ? passwords : undefined, sessionKey, format }));
    const out = args.one('--session-key-out');
    if (out) fs.writeFileSync(out, `${openpgp.enums.write(openpgp.enums.symmetric, sessionKey.algorithm)}:${hex(sessionKey.data)}\n`);
  },
  async decrypt(args) {
    const decryptionKeys = await readKeys(args.positional, true);
    const verificationKeys = await readKeys(args.all('--verify-with'), false);
    const passwords = args.all('--with-password').map(password);
    const message = await readMessage(readStdin());
    let sessionKeys = args.all('--with-session-key').map((f) => {
      const [algo, key] = readFile(f).toString('utf8').trim().split(':');
      return { algorithm: openpgp.enums.read(openpgp.enums.symmetric, Number(algo)), data: new Uint8Array(Buffer.from(key, 'hex')) };
    });
    if (sessionKeys.length === 0) {
      try {
        // OpenPGP.js takes any passwords array, even an empty one, as "decrypt with passwords only".
        sessionKeys = await openpgp.decryptSessionKeys(passwords.length ? { message, passwords } : { message, decryptionKeys });
      } catch (e) {
        throw new SopError(EXIT.CANNOT_DECRYPT, e.message);
      }
    }
    let result;
    try {
      // Not streamed: the plaintext is written only once the whole message has been read and authenticated.
      result = await openpgp.decrypt({ message, sessionKeys: sessionKeys[0], verificationKeys, format: 'binary' });
    } catch (e) {
      throw new SopError(EXIT.CANNOT_DECRYPT, e.message);
    }
    const out = args.one('--session-key-out');
    if (out) fs.writeFileSync(out, `${cipherOf(message, sessionKeys[0])}:${hex(sessionKeys[0].data)}\n`);
    const verifications = args.one('--verifications-out');
    if (verifications) {
      const lines = await verificationLines(result.signatures, verificationKeys);
      fs.writeFileSync(verifications, lines.length ? lines.join('\n') + '\n' : '');
    }
    write(result.data);
  },
  async armor() {
    const input = readStdin();
    if (isArmored(input)) { write(input); return; }
    const tag = (input[0] & 0x40) ? input[0] & 0x3f : (input[0] & 0x3c) >> 2;
    const p = openpgp.enums.packet;
    const type = tag === p.signature ? openpgp.enums.armor.signature
      : tag === p.publicKey ? openpgp.enums.armor.publicKey
        : tag === p.secretKey ? openpgp.enums.armor.privateKey : openpgp.enums.armor.message;
    write(openpgp.armor(type, new Uint8Array(input)));
  },
  async dearmor() {
    const input = readStdin();
    if (!isArmored(input)) { write(input); return; }
    const { data } = await openpgp.unarmor(input.toString('utf8'));
    write(data instanceof Uint8Array ? data : new Uint8Array(await new Response(data).arrayBuffer()));
  },
};

try {
  const [name, ...rest] = process.argv.slice(2);
  const command = commands[name];
  if (!command) throw new SopError(EXIT.UNSUPPORTED_SUBCOMMAND, `unsupported subcommand ${name}`);
  await command(parse(rest));
} catch (e) {
  console.error(`sop-openpgpjs: ${e.message}`);
  process.exit(e instanceof SopError ? e.code : (/armor|parse|read|packet/i.test(e.message) ? EXIT.BAD_DATA : 1));
}
