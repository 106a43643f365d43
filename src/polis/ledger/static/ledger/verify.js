// "Verifica documento": hash the PDF locally, look the hash up, verify the inclusion proof here.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const M = window.PolisMerkle;
  const form = document.getElementById("verify-form");
  const fileInput = document.getElementById("verify-file");
  const drop = document.getElementById("verify-drop");
  const hashInput = document.getElementById("verify-hash");
  const result = document.getElementById("verify-result");
  const text = (key) => document.querySelector(`#verify-texts [data-text="${key}"]`).textContent;

  function show(templateId, fields) {
    const node = document.getElementById(templateId).content.cloneNode(true);
    for (const [name, value] of Object.entries(fields)) {
      const el = node.querySelector(`[data-field="${name}"]`);
      if (!el) continue;
      if (name === "download") el.setAttribute("href", value); else el.textContent = value;
    }
    result.replaceChildren(node);
  }

  async function verifyAnswer(answer) {
    // The entry must register this document, and its proof must lead to the signed root.
    const entry = M.fromBase64(answer.entry);
    const fields = JSON.parse(new TextDecoder().decode(entry));
    const root = M.fromBase64(answer.checkpoint.split("\n")[2]);
    const leaf = await M.leafHash(entry);
    const proof = answer.proof.map(M.fromBase64);
    return fields.sha256 === answer.sha256 && M.toHex(leaf) === answer.leaf_hash &&
      (await M.verifyInclusion(answer.index, answer.size, leaf, proof, root));
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
    const ok = await verifyAnswer(answer);
    show("verify-found", {
      sha256, time: answer.time, type_label: answer.type_label, index: String(answer.index),
      size: String(answer.size), checkpoint: answer.checkpoint, timestamp: answer.timestamp || "—",
      verdict: ok ? text("ok") : text("bad"),
      download: `${form.dataset.proof}?sha256=${sha256}`,
    });
    result.querySelector('[data-field="verdict"]').classList.add(ok ? "text-success" : "text-danger", "fw-semibold");
    result.dataset.verified = ok ? "yes" : "no";
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
