// spanscope's import worker: reads and parses trace files off the page's thread.
//
// It runs the app's own wasm module (the same two files the page loaded, so nothing more is downloaded): the
// page sends their addresses first, then one job. `main` sees no window and mounts nothing; the exported
// `spanscopeWorkerImport` imports the inputs (files read here first, see below, or transferred ArrayBuffers)
// and returns the traces as one encoded buffer, which is transferred back. Compressed inputs are decompressed
// here first (decompressInput).
// Progress is posted while it works. See src/worker.rs.
let app = null;

// Compressed inputs (gzip; zstd too where the browser's DecompressionStream has it) are decompressed by the
// browser, off the wasm side, into a Blob (which the browser keeps on disk when it is large), and the input
// becomes that Blob as a file: read whole or parsed as a stream like any other, by its decompressed size. A
// format the browser cannot decompress is left as it is, and the importer names it and says what to do.
const MAGIC = [
  ["gzip", [0x1f, 0x8b]],
  ["zstd", [0x28, 0xb5, 0x2f, 0xfd]],
];
// Decompressed bytes gathered in JavaScript before they are handed to a Blob: bounds the memory held here.
const DECOMPRESS_PART_BYTES = 16 << 20;
// Progress is reported every this many compressed bytes.
const DECOMPRESS_PROGRESS_BYTES = 1 << 20;

function decompressible(format) {
  try {
    new DecompressionStream(format);
    return true;
  } catch (e) {
    return false;
  }
}

async function decompressInput(input, limitBytes, progress) {
  const source = input.file || (input.bytes && new Blob([input.bytes]));
  if (!source || source.size < 4) return;
  let head;
  try {
    head = new Uint8Array(await source.slice(0, 4).arrayBuffer());
  } catch (e) {
    return; // Unreadable: the wasm side's reader reports it.
  }
  const found = MAGIC.find(([, magic]) => magic.every((b, i) => head[i] === b));
  if (!found || !decompressible(found[0])) return;
  const format = found[0];
  progress("decompressing", input.name, 0, source.size);
  let read = 0;
  let reported = 0;
  const counted = new TransformStream({
    transform(chunk, out) {
      read += chunk.byteLength;
      if (read - reported >= DECOMPRESS_PROGRESS_BYTES) {
        reported = read;
        progress("decompressing", input.name, read, source.size);
      }
      out.enqueue(chunk);
    },
  });
  const reader = source.stream().pipeThrough(counted).pipeThrough(new DecompressionStream(format)).getReader();
  // Read chunk by chunk rather than with Response.blob(), whose error would only say "Failed to fetch".
  let parts = [];
  let pending = 0;
  let decompressed = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      decompressed += value.byteLength;
      if (decompressed > limitBytes) {
        // Larger than the import can take: stop here (a small file can decompress to gigabytes), and the wasm
        // side says so with the limit.
        reader.cancel().catch(() => {});
        input.decompressedOverLimit = true;
        return;
      }
      parts.push(value);
      pending += value.byteLength;
      if (pending >= DECOMPRESS_PART_BYTES) {
        parts = [new Blob(parts)];
        pending = 0;
      }
    }
  } catch (e) {
    const check = format === "gzip" ? "gunzip -t" : "zstd -t";
    input.error =
      `a ${format}-compressed file that could not be decompressed (the browser's decompressor stopped after ` +
      `${read} of its ${source.size} bytes: "${String((e && e.message) || e).replace(/\.$/, "")}"). Is it ` +
      `damaged or cut short? \`${check}\` checks it.`;
    return;
  }
  input.file = new File(parts, input.name);
  input.compressed = { format, bytes: source.size };
  delete input.bytes;
}

// A browser that has only just started (Chromium, in the first second or so) may not yet keep large Blobs: the
// decompressed file is written, and reading it back then fails ("NotReadableError", which the wasm side reports
// as "could not be read"). A job that lost a decompressed file that way is run again after a pause, up to
// DECOMPRESS_ATTEMPTS times (whole: a job's traces are built together).
const DECOMPRESS_ATTEMPTS = 4;
const DECOMPRESS_RETRY_MS = 1000;
const UNREADABLE = /could not be read|NotReadableError/;

// One attempt at a job: decompresses what is compressed, reads what is small enough whole, and runs the import.
// Files up to msg.wholeReadMaxBytes (128 MB) are read whole by the browser, then copied into wasm memory. Larger
// ones are parsed as a stream: the wasm side reads them 4 MB at a time as the parser goes, so they are never held
// whole, in JavaScript (a 1M-span file may be larger than a JavaScript string can hold) or in wasm memory. A file
// that cannot be read whole is left to the wasm side's reader, which reports the error.
async function importOnce(m, inputs, msg, progress) {
  const t0 = performance.now();
  for (const input of inputs) {
    await decompressInput(input, msg.limitBytes, progress);
  }
  const usable = inputs.filter((i) => !i.error && !i.decompressedOverLimit);
  const total = usable.reduce((n, i) => n + (i.file ? i.file.size : i.bytes.length), 0);
  for (const input of usable) {
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
  const result = m.spanscopeWorkerImport(inputs, msg.limitBytes, progress);
  result.timings.read_ms += readMs;
  return result;
}

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
      let breakDecompressed = msg.breakDecompressed || 0;
      for (let attempt = 1; ; attempt++) {
        const inputs = msg.inputs.map((input) => ({ ...input }));
        const result = await importOnce(m, inputs, msg, progress);
        if (breakDecompressed > 0) {
          // Test hook (the page's window.spanscopeBreakDecompressed = N): the first N attempts lose their
          // decompressed files as a just-started browser does.
          breakDecompressed--;
          inputs.forEach((input, k) => {
            if (input.compressed) result.outcomes[k] = { name: input.name, error: "the file could not be read: test" };
          });
        }
        const lost = inputs.filter((input, k) => input.compressed && UNREADABLE.test(result.outcomes[k].error || ""));
        if (lost.length > 0 && attempt < DECOMPRESS_ATTEMPTS) {
          await new Promise((resolve) => setTimeout(resolve, DECOMPRESS_RETRY_MS * attempt));
          continue;
        }
        for (const input of lost) {
          const k = inputs.indexOf(input);
          result.outcomes[k].error =
            result.outcomes[k].error.replace(/\.$/, "") +
            `. It was decompressed ${attempt} times and each time the browser lost the result: a browser that has ` +
            `only just started may not keep a large file yet. Open it again, or decompress it with gunzip first.`;
        }
        result.timings.decompress_attempts = attempt;
        self.postMessage({ type: "done", result }, result.encoded ? [result.encoded.buffer] : []);
        return;
      }
    }
  } catch (e) {
    // A trap in the wasm ("unreachable": a panic or running out of memory) lands here; the page reports it and
    // keeps everything it already has.
    self.postMessage({ type: "failed", message: String((e && e.message) || e) });
  }
};
