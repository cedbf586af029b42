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
      // Files up to msg.wholeReadMaxBytes (128 MB) are read whole by the browser, then copied into wasm memory. Larger ones are streamed
      // into wasm memory: the file is never held twice (a whole read holds it in JavaScript and in wasm until the
      // next garbage collection), no buffer of it exists outside wasm (it may be larger than a JavaScript string
      // can hold), and the stream's small pieces are collected as it goes (16 MB FileReaderSync chunks piled up
      // several hundred MB of garbage before V8 collected them). Measured at 1M spans (0.5–0.8 GB): read
      // 2.0–2.8 s with FileReaderSync, 1.4–1.7 s streamed. A file that cannot be read either way is left to the
      // wasm side's FileReaderSync, which reports the error.
      const t0 = performance.now();
      const total = msg.inputs.reduce((n, i) => n + (i.file ? i.file.size : i.bytes.length), 0);
      let streamedFiles = 0;
      for (const input of msg.inputs) {
        if (!input.file || total > msg.limitBytes) continue;
        const size = input.file.size;
        progress("reading", input.name, 0, size);
        if (size <= msg.wholeReadMaxBytes) {
          try {
            input.bytes = new Uint8Array(await input.file.arrayBuffer());
            delete input.file;
          } catch (e) {
            // Left to the chunked reader, which reports the error against the file.
          }
          continue;
        }
        let id = null;
        try {
          id = m.spanscopeWorkerInputStart(size);
          const reader = input.file.stream().getReader();
          let done = 0;
          let reported = 0;
          for (;;) {
            const piece = await reader.read();
            if (piece.done) break;
            m.spanscopeWorkerInputPush(id, piece.value);
            done += piece.value.length;
            if (done - reported >= 16 * 1024 * 1024) {
              reported = done;
              progress("reading", input.name, done, size);
            }
          }
          input.streamed = id;
          delete input.file;
          streamedFiles += 1;
        } catch (e) {
          if (id !== null) m.spanscopeWorkerInputDrop(id);
        }
      }
      const readMs = performance.now() - t0;
      const result = m.spanscopeWorkerImport(msg.inputs, msg.limitBytes, progress);
      result.timings.read_ms += readMs;
      result.timings.streamed_files = streamedFiles;
      self.postMessage({ type: "done", result }, result.encoded ? [result.encoded.buffer] : []);
    }
  } catch (e) {
    // A trap in the wasm ("unreachable": a panic or running out of memory) lands here; the page reports it and
    // keeps everything it already has.
    self.postMessage({ type: "failed", message: String((e && e.message) || e) });
  }
};
