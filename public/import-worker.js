// spanscope's import worker: reads and parses trace files off the page's thread.
//
// It runs the app's own wasm module (the same two files the page loaded, so nothing more is downloaded): the
// page sends their addresses first, then one job. `main` sees no window and mounts nothing; the exported
// `spanscopeWorkerImport` imports the inputs (files read here first, see below, or transferred ArrayBuffers)
// and returns the traces as one encoded buffer, which is transferred back.
// Progress is posted while it works. See src/worker.rs.
let app = null;

self.onmessage = async (event) => {
  const msg = event.data;
  try {
    if (msg.type === "init") {
      app = import(msg.glue).then(async (m) => {
        await m.default({ module_or_path: msg.wasm });
        return m;
      });
      const m = await app;
      // Optimize the parser before a file arrives (see spanscopeWorkerWarmUp in src/worker.rs).
      // Three rounds with pauses between them: V8 optimizes in the background, and a function that is running
      // (the loop over a file's spans) keeps the code it was entered with, so the optimized code must be in
      // place before the file arrives.
      let warmUpMs = 0;
      try {
        for (let round = 0; round < 3; round++) {
          warmUpMs += m.spanscopeWorkerWarmUp();
          await new Promise((resolve) => setTimeout(resolve, 40));
        }
      } catch (e) {
        // A failed warm-up costs speed, not correctness: the import reports its own errors.
      }
      self.postMessage({ type: "ready", warmUpMs });
      return;
    }
    if (msg.type === "import") {
      const m = await app;
      const progress = (phase, name, done, total) => self.postMessage({ type: "progress", phase, name, done, total });
      // Files up to msg.wholeReadMaxBytes (128 MB) are read whole by the browser, then copied into wasm memory.
      // Larger ones are parsed as a stream: the wasm side reads them 4 MB at a time as the parser goes, so they
      // are never held whole, in JavaScript (a 1M-span file may be larger than a JavaScript string can hold) or
      // in wasm memory. A file that cannot be read whole is left to the wasm side's reader, which reports the
      // error.
      const t0 = performance.now();
      const total = msg.inputs.reduce((n, i) => n + (i.file ? i.file.size : i.bytes.length), 0);
      for (const input of msg.inputs) {
        if (!input.file || total > msg.limitBytes) continue;
        const size = input.file.size;
        if (size > msg.wholeReadMaxBytes) {
          input.stream = true;
          continue;
        }
        progress("reading", input.name, 0, size);
        try {
          input.bytes = new Uint8Array(await input.file.arrayBuffer());
          delete input.file;
        } catch (e) {
          // Left to the chunked reader, which reports the error against the file.
        }
      }
      const readMs = performance.now() - t0;
      const result = m.spanscopeWorkerImport(msg.inputs, msg.limitBytes, progress);
      result.timings.read_ms += readMs;
      self.postMessage({ type: "done", result }, result.encoded ? [result.encoded.buffer] : []);
    }
  } catch (e) {
    // A trap in the wasm ("unreachable": a panic or running out of memory) lands here; the page reports it and
    // keeps everything it already has.
    self.postMessage({ type: "failed", message: String((e && e.message) || e) });
  }
};
