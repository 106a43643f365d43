// "Verifica documento": hash the PDF locally, look the hash up, then check here, against the
// keys pinned in the page, the checkpoint's signature, origin and cosignatures, the entry and
// its inclusion proof. One verdict: verified only when every step passes.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const M = window.PolisMerkle;
  const N = window.PolisNote;
  const pinned = JSON.parse(document.getElementById("verify-pinned").textContent);
  const form = document.getElementById("verify-form");
  const fileInput = document.getElementById("verify-file");
  const drop = document.getElementById("verify-drop");
  const hashInput = document.getElementById("verify-hash");
  const result = document.getElementById("verify-result");
  window.PolisNoteFallbackUrl = form.dataset.ed25519;
  const text = (key) => document.querySelector(`#verify-texts [data-text="${key}"]`).textContent;

  function show(templateId, fields) {
    const node = document.getElementById(templateId).content.cloneNode(true);
    for (const [name, value] of Object.entries(fields)) {
      const el = node.querySelector(`[data-field="${name}"]`);
      if (!el) continue;
      if (el.tagName === "A") {
        if (value) el.setAttribute("href", value); else el.remove();
      } else {
        el.textContent = value;
      }
    }
    result.replaceChildren(node);
  }

  // Every step, in order; throws N.NoteError naming the first that fails.
  async function verifyAnswer(answer) {
    const checkpoint = await N.openCheckpoint(answer.checkpoint, pinned);
    if (checkpoint.witnesses.length < pinned.quorum) {
      throw new N.NoteError("witnesses", "witnesses-missing", { n: checkpoint.witnesses.length, m: pinned.quorum });
    }
    const entry = M.fromBase64(answer.entry);
    const fields = JSON.parse(new TextDecoder().decode(entry));
    if (fields.sha256 !== answer.sha256) throw new N.NoteError("entry", "entry-other");
    const leaf = await M.leafHash(entry);
    const proof = answer.proof.map(M.fromBase64);
    if (!(await M.verifyInclusion(answer.index, checkpoint.size, leaf, proof, checkpoint.root))) {
      throw new N.NoteError("proof", "proof-bad");
    }
    return { checkpoint, fields };
  }

  async function lookup(sha256) {
    if (!/^[0-9a-f]{64}$/.test(sha256)) { show("verify-error", { message: text("badhash") }); return; }
    let answer;
    try {
      const response = await fetch(`${form.dataset.lookup}?sha256=${sha256}`, { headers: { Accept: "application/json" } });
      answer = await response.json();
    } catch (error) {
      show("verify-error", { message: text("network") });
      return;
    }
    if (!answer.found) { show("verify-missing", { sha256 }); return; }
    const common = {
      sha256, time: answer.time, type_label: answer.type_label, index: String(answer.index),
      size: String(answer.size), checkpoint: answer.checkpoint, timestamp: answer.timestamp || "—",
      download: `${form.dataset.proof}?sha256=${sha256}`, token: answer.timestamp_url,
    };
    try {
      const { checkpoint } = await verifyAnswer(answer);
      const n = checkpoint.witnesses.length;
      const witnesses = n === 0 ? text("witnesses-none")
        : text(n === 1 ? "witnesses-one" : "witnesses-many").replace("{n}", n) + ": " + checkpoint.witnesses.join(", ");
      show("verify-found", { ...common, witnesses });
      result.dataset.verified = "yes";
      delete result.dataset.failedStep;
    } catch (error) {
      const step = error instanceof N.NoteError ? error.step : "answer";
      const message = !(error instanceof N.NoteError) ? text("answer-bad")
        : Object.entries(error.vars).reduce((out, [k, v]) => out.replace(`{${k}}`, v), text(`reason-${error.reason}`));
      show("verify-failed", { ...common, step: text(`step-${step}`), reason: message });
      result.dataset.verified = "no";
      result.dataset.failedStep = step;
    }
  }

  async function hashFile(file) {
    show("verify-error", { message: text("hashing") });
    result.firstElementChild.className = "alert alert-info";
    const digest = await M.sha256(await file.arrayBuffer());
    hashInput.value = M.toHex(digest);
    await lookup(hashInput.value);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    lookup(hashInput.value.trim().toLowerCase());
  });
  fileInput.addEventListener("change", () => { if (fileInput.files.length) hashFile(fileInput.files[0]); });
  drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("is-over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("is-over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("is-over");
    if (event.dataTransfer.files.length) hashFile(event.dataTransfer.files[0]);
  });
});
