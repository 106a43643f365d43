// C2SP signed-note, tlog-checkpoint and tlog-cosignature/v1 checks in the browser, against
// keys the page pins. Ed25519 by Web Crypto, or @noble/ed25519 where the browser lacks it.
"use strict";
(function (global) {
  const M = global.PolisMerkle;
  const encoder = new TextEncoder();
  const ALG_ED25519 = 0x01;
  const ALG_COSIGNATURE_V1 = 0x04;
  const SIG_PREFIX = "\u2014 ";

  // `reason` names the page's text for the failure (data-text="reason-<reason>"), its
  // {placeholders} filled from `vars`, so the page says it in its own language.
  class NoteError extends Error {
    constructor(step, reason, vars = {}) { super(reason); this.step = step; this.reason = reason; this.vars = vars; }
  }

  function equal(a, b) { return a.length === b.length && a.every((v, i) => v === b[i]); }
  function join(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }
  async function keyId(name, alg, publicKey) {
    return (await M.sha256(join(encoder.encode(name + "\n"), Uint8Array.of(alg), publicKey))).slice(0, 4);
  }

  // A verifier key "<name>+<hex key id>+<base64(type || key)>", its key ID recomputed.
  async function parseVerifierKey(text) {
    const parts = text.trim().split("+");
    const [name, hexId, encoded] = [parts[0], parts[1], parts.slice(2).join("+")];  // base64 has "+"
    const raw = M.fromBase64(encoded);
    if (raw.length !== 33) throw new NoteError("key", "key-malformed");
    const key = { name, alg: raw[0], publicKey: raw.slice(1), id: await keyId(name, raw[0], raw.slice(1)) };
    if (M.toHex(key.id) !== hexId) throw new NoteError("key", "key-id");
    return key;
  }

  let webCryptoEd25519 = null;  // unknown until first tried
  async function ed25519Verify(publicKey, signature, message) {
    if (webCryptoEd25519 !== false) {
      try {
        const key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
        webCryptoEd25519 = true;
        return await crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
      } catch (error) {
        if (webCryptoEd25519 === true) return false;  // Web Crypto has Ed25519: a bad key
        webCryptoEd25519 = false;
      }
    }
    const ed = await import(global.PolisNoteFallbackUrl);
    try {
      return await ed.verifyAsync(signature, message, publicKey, { zip215: false });
    } catch (error) {
      return false;
    }
  }
  const fallbackUsed = () => webCryptoEd25519 === false;

  // The text and signature lines of a signed note (unverified).
  function splitNote(note) {
    const at = note.lastIndexOf("\n\n");
    if (at < 0 || !note.endsWith("\n")) throw new NoteError("signature", "note-malformed");
    const text = note.slice(0, at + 1);
    const signatures = note.slice(at + 2, -1).split("\n").map((line) => {
      if (!line.startsWith(SIG_PREFIX)) throw new NoteError("signature", "signature-line");
      const [name, blob] = line.slice(SIG_PREFIX.length).split(" ");
      const raw = M.fromBase64(blob || "");
      return { name, id: raw.slice(0, 4), signature: raw.slice(4) };
    });
    return { text, signatures };
  }

  function parseCheckpoint(text) {
    const lines = text.slice(0, -1).split("\n");
    const root = M.fromBase64(lines[2] || "");
    if (lines.length < 3 || !/^(0|[1-9][0-9]*)$/.test(lines[1]) || root.length !== 32) {
      throw new NoteError("signature", "checkpoint-malformed");
    }
    return { origin: lines[0], size: BigInt(lines[1]), root };
  }

  async function verifyCosignature(text, signature, key) {
    if (signature.signature.length !== 72) return false;
    const time = new DataView(signature.signature.buffer, signature.signature.byteOffset, 8).getBigUint64(0);
    const message = encoder.encode(`cosignature/v1\ntime ${time}\n${text}`);
    return ed25519Verify(key.publicKey, signature.signature.slice(8), message);
  }

  // The checkpoint, if signed by the pinned log key with the pinned origin; and the names of
  // the pinned witnesses whose cosignatures verify. Throws NoteError naming the failed step.
  async function openCheckpoint(note, pinned) {
    const log = await parseVerifierKey(pinned.log.key);
    if (log.alg !== ALG_ED25519) throw new NoteError("key", "key-not-ed25519");
    const { text, signatures } = splitNote(note);
    const byName = signatures.filter((s) => s.name === log.name);
    const mine = byName.find((s) => equal(s.id, log.id));
    if (!mine) {
      const found = byName.length ? M.toHex(byName[0].id) : "—";
      throw new NoteError("keyid", "keyid-other", { found, expected: M.toHex(log.id) });
    }
    if (!(await ed25519Verify(log.publicKey, mine.signature, encoder.encode(text)))) {
      throw new NoteError("signature", "signature-invalid");
    }
    const checkpoint = parseCheckpoint(text);
    if (checkpoint.origin !== pinned.origin) {
      throw new NoteError("origin", "origin-other", { found: checkpoint.origin, expected: pinned.origin });
    }
    const witnesses = [];
    for (const pinnedWitness of pinned.witnesses) {
      const key = await parseVerifierKey(pinnedWitness.key);
      const line = signatures.find((s) => s.name === key.name && equal(s.id, key.id));
      if (key.alg === ALG_COSIGNATURE_V1 && line && (await verifyCosignature(text, line, key))) {
        witnesses.push(key.name);
      }
    }
    return { ...checkpoint, text, witnesses };
  }

  global.PolisNote = { NoteError, parseVerifierKey, splitNote, openCheckpoint, ed25519Verify, fallbackUsed, ALG_ED25519 };
})(window);
