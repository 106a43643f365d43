// RFC 9162 §2.1.3.2 inclusion proof verification in the browser (Web Crypto SHA-256).
"use strict";
(function (global) {
  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }
  function concat(prefix, ...parts) {
    const size = 1 + parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(size);
    out[0] = prefix;
    let at = 1;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }
  const leafHash = (entry) => sha256(concat(0x00, entry));
  const nodeHash = (left, right) => sha256(concat(0x01, left, right));
  function bitLength(n) { return n === 0n ? 0 : n.toString(2).length; }
  function popCount(n) { return [...n.toString(2)].filter((c) => c === "1").length; }
  function equal(a, b) { return a.length === b.length && a.every((v, i) => v === b[i]); }

  // Root implied by an inclusion proof, or null if the proof has the wrong shape.
  async function rootFromInclusion(index, size, leaf, proof) {
    index = BigInt(index); size = BigInt(size);
    if (index < 0n || index >= size || leaf.length !== 32 || proof.some((h) => h.length !== 32)) return null;
    const inner = bitLength(index ^ (size - 1n));
    const border = popCount(index >> BigInt(inner));
    if (proof.length !== inner + border) return null;
    let hash = leaf;
    for (let i = 0; i < inner; i++) {
      hash = ((index >> BigInt(i)) & 1n) === 0n ? await nodeHash(hash, proof[i]) : await nodeHash(proof[i], hash);
    }
    for (let i = inner; i < proof.length; i++) hash = await nodeHash(proof[i], hash);
    return hash;
  }
  async function verifyInclusion(index, size, leaf, proof, root) {
    const computed = await rootFromInclusion(index, size, leaf, proof);
    return computed !== null && equal(computed, root);
  }
  const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  const toHex = (bytes) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  global.PolisMerkle = { sha256, leafHash, nodeHash, rootFromInclusion, verifyInclusion, fromBase64, toHex };
})(window);
