#!/usr/bin/env node
// Run an ONNX model with ONNX Runtime (onnxruntime-node, CPU EP): the oracle
// of xfc's differential tests and the anchor of its benchmarks.
//
// Mirrors xfc-run's command line so that scripts can swap one for the other:
//
//   node tools/ort/ort_run.js MODEL.onnx --test-data-dir DIR
//        [--rtol=R] [--atol=A] [--write-outputs OUTDIR]
//   node tools/ort/ort_run.js MODEL.onnx --test-data-dir DIR
//        --benchmark=N [--warmup=W] [--threads=T] [--json]
//
// DIR holds input_<i>.pb (and output_<i>.pb to compare with) in the ONNX
// backend-test layout. Without --benchmark it runs once, prints per-output
// max abs/rel error and exits 0 only if every output is within
// |got - want| <= atol + rtol * |want| (numpy.allclose). With --benchmark it
// prints p50/p90/min/mean latency in ms over N runs after W warm-up runs;
// --json prints one JSON object with the keys of `xfc-run --json`.
//
// onnxruntime-node is resolved from the repository's node_modules:
//   cd <repo> && npm install --ignore-scripts --no-save onnxruntime-node@1.30.0
// The TensorProto reader below is hand-written so that nothing else is needed.

'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');

function die(msg) {
  process.stderr.write(`ort_run: ${msg}\n`);
  process.exit(2);
}

function loadOrt() {
  let resolved;
  try {
    resolved = require.resolve('onnxruntime-node', { paths: [REPO_ROOT, process.cwd()] });
  } catch (e) {
    die(`onnxruntime-node is not installed; run\n` +
        `  cd ${REPO_ROOT} && npm install --ignore-scripts --no-save onnxruntime-node@1.30.0`);
  }
  return require(resolved);
}

// ---------------------------------------------------------------------------
// Command line. Accepts both "--opt=value" and "--opt value".
// ---------------------------------------------------------------------------

const USAGE = `usage: ort_run.js MODEL.onnx --test-data-dir DIR [--rtol=R] [--atol=A]
                  [--write-outputs OUTDIR]
                  [--benchmark=N [--warmup=W] [--threads=T] [--json]]`;

function parseArgs(argv) {
  const opts = {
    model: null, dataDir: null, writeOutputs: null, rtol: 1e-4, atol: 1e-4,
    benchmark: 0, warmup: 3, threads: os.availableParallelism ? os.availableParallelism()
      : os.cpus().length, json: false,
  };
  const valued = {
    '--test-data-dir': (v) => { opts.dataDir = v; },
    '--write-outputs': (v) => { opts.writeOutputs = v; },
    '--rtol': (v) => { opts.rtol = number(v, '--rtol'); },
    '--atol': (v) => { opts.atol = number(v, '--atol'); },
    '--benchmark': (v) => { opts.benchmark = integer(v, '--benchmark', 1); },
    '--warmup': (v) => { opts.warmup = integer(v, '--warmup', 0); },
    '--threads': (v) => { opts.threads = integer(v, '--threads', 1); },
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') { console.log(USAGE); process.exit(0); }
    if (arg === '--json') { opts.json = true; continue; }
    const eq = arg.indexOf('=');
    const key = eq >= 0 ? arg.slice(0, eq) : arg;
    if (valued[key]) {
      let value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) die(`${key} needs a value\n${USAGE}`);
      valued[key](value);
    } else if (arg.startsWith('-')) {
      die(`unknown option ${arg}\n${USAGE}`);
    } else if (opts.model === null) {
      opts.model = arg;
    } else {
      die(`unexpected argument ${arg}\n${USAGE}`);
    }
  }
  if (!opts.model) die(USAGE);
  if (!opts.dataDir) die(`--test-data-dir is required\n${USAGE}`);
  return opts;
}

function number(v, name) {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) die(`${name}: expected a non-negative number, got '${v}'`);
  return n;
}

function integer(v, name, min) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) die(`${name}: expected an integer >= ${min}, got '${v}'`);
  return n;
}

// ---------------------------------------------------------------------------
// onnx.TensorProto, the fields the backend-test data uses:
//   1 dims (int64, packed or not)   2 data_type   4 float_data   5 int32_data
//   7 int64_data   8 name   9 raw_data   10 double_data   11 uint64_data
//   14 data_location (EXTERNAL is refused)
// ---------------------------------------------------------------------------

// TensorProto.DataType -> [ORT type name, TypedArray, field of the typed data].
const DTYPES = {
  1: ['float32', Float32Array, 4], 2: ['uint8', Uint8Array, 5],
  3: ['int8', Int8Array, 5], 4: ['uint16', Uint16Array, 5],
  5: ['int16', Int16Array, 5], 6: ['int32', Int32Array, 5],
  7: ['int64', BigInt64Array, 7], 9: ['bool', Uint8Array, 5],
  10: ['float16', Uint16Array, 5], 11: ['float64', Float64Array, 10],
  12: ['uint32', Uint32Array, 11], 13: ['uint64', BigUint64Array, 11],
};
const TYPE_CODE = Object.fromEntries(Object.entries(DTYPES).map(([k, v]) => [v[0], +k]));

class Reader {
  constructor(buf) { this.buf = buf; this.pos = 0; }
  done() { return this.pos >= this.buf.length; }
  varint() { // as BigInt: int64 values need all 64 bits
    let result = 0n, shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
      if (shift > 63n) throw new Error('varint too long');
    }
  }
  bytes(n) {
    if (this.pos + n > this.buf.length) throw new Error('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(wireType) {
    switch (wireType) {
      case 0: this.varint(); break;
      case 1: this.bytes(8); break;
      case 2: this.bytes(Number(this.varint())); break;
      case 5: this.bytes(4); break;
      default: throw new Error(`unsupported wire type ${wireType}`);
    }
  }
}

// Reads a repeated scalar field that may be packed (wire type 2) or not.
function readRepeated(r, wireType, out, fixedBytes, decode) {
  if (wireType === 2) {
    const sub = new Reader(r.bytes(Number(r.varint())));
    while (!sub.done()) out.push(fixedBytes ? decode(sub.bytes(fixedBytes)) : sub.varint());
  } else {
    out.push(fixedBytes ? decode(r.bytes(fixedBytes)) : r.varint());
  }
}

function decodeTensor(buf, file) {
  const r = new Reader(buf);
  const t = { dims: [], dataType: 0, name: '', raw: null, floats: [], ints: [], doubles: [] };
  const f32 = (b) => Buffer.from(b).readFloatLE(0);
  const f64 = (b) => Buffer.from(b).readDoubleLE(0);
  while (!r.done()) {
    const key = Number(r.varint());
    const field = key >>> 3, wire = key & 7;
    switch (field) {
      case 1: readRepeated(r, wire, t.dims, 0); break;
      case 2: t.dataType = Number(r.varint()); break;
      case 4: readRepeated(r, wire, t.floats, 4, f32); break;
      case 5: case 7: case 11: readRepeated(r, wire, t.ints, 0); break;
      case 8: t.name = r.bytes(Number(r.varint())).toString('utf8'); break;
      case 9: t.raw = r.bytes(Number(r.varint())); break;
      case 10: readRepeated(r, wire, t.doubles, 8, f64); break;
      case 14:
        if (Number(r.varint()) === 1) throw new Error('external data is not supported');
        break;
      default: r.skip(wire);
    }
  }
  const info = DTYPES[t.dataType];
  if (!info) throw new Error(`${file}: unsupported data_type ${t.dataType}`);
  const [type, Arr] = info;
  const dims = t.dims.map((d) => Number(BigInt.asIntN(64, d)));
  const count = dims.reduce((a, b) => a * b, 1);
  let data;
  if (t.raw) {
    if (t.raw.length !== count * Arr.BYTES_PER_ELEMENT) {
      throw new Error(`${file}: raw_data has ${t.raw.length} bytes, shape ${JSON.stringify(dims)} ` +
                      `needs ${count * Arr.BYTES_PER_ELEMENT}`);
    }
    // Copy: the slice may be misaligned for the typed array. Assumes a
    // little-endian host, as TensorProto's raw_data is little-endian.
    data = new Arr(count);
    new Uint8Array(data.buffer).set(t.raw);
  } else {
    const src = type === 'float32' ? t.floats : type === 'float64' ? t.doubles : t.ints;
    if (src.length !== count) {
      throw new Error(`${file}: ${src.length} values for shape ${JSON.stringify(dims)}`);
    }
    data = new Arr(count);
    for (let i = 0; i < count; i++) {
      const v = src[i];
      if (Arr === BigInt64Array) data[i] = BigInt.asIntN(64, v);
      else if (Arr === BigUint64Array) data[i] = BigInt.asUintN(64, v);
      else if (typeof v === 'bigint') data[i] = Number(BigInt.asIntN(32, v)); // int32_data
      else data[i] = v;
    }
  }
  return { name: t.name, type, dims, data };
}

function readTensor(file) {
  try {
    return decodeTensor(fs.readFileSync(file), file);
  } catch (e) {
    die(`${file}: ${e.message}`);
  }
}

// Minimal TensorProto writer: dims (unpacked, valid in proto2 and proto3
// parsers alike), data_type, name and raw_data.
function encodeTensor(name, type, dims, data) {
  const parts = [];
  const varint = (v) => {
    const out = [];
    let x = BigInt.asUintN(64, BigInt(v));
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x) b |= 0x80;
      out.push(b);
    } while (x);
    return Buffer.from(out);
  };
  const bytesField = (field, bytes) => {
    parts.push(varint((field << 3) | 2), varint(bytes.length), bytes);
  };
  for (const d of dims) parts.push(varint(1 << 3), varint(d));
  parts.push(varint(2 << 3), varint(TYPE_CODE[type]));
  bytesField(8, Buffer.from(name, 'utf8'));
  bytesField(9, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  return Buffer.concat(parts);
}

function listTensors(dir, prefix) {
  const files = [];
  for (let i = 0; fs.existsSync(path.join(dir, `${prefix}_${i}.pb`)); i++) {
    files.push(path.join(dir, `${prefix}_${i}.pb`));
  }
  return files;
}

// ---------------------------------------------------------------------------
// Comparison and statistics.
// ---------------------------------------------------------------------------

// Relative error is |got - want| / max(|want|, atol): near-zero references
// would otherwise turn rounding noise into huge relative errors.
function compare(got, want, rtol, atol) {
  let maxAbs = 0, maxRel = 0, bad = 0, firstBad = -1;
  for (let i = 0; i < want.length; i++) {
    const g = Number(got[i]), w = Number(want[i]);
    if (Number.isNaN(g) || Number.isNaN(w)) {
      if (Number.isNaN(g) !== Number.isNaN(w)) { bad++; if (firstBad < 0) firstBad = i; maxAbs = Infinity; }
      continue;
    }
    if (g === w) continue; // also equal infinities
    const abs = Math.abs(g - w);
    const rel = abs / Math.max(Math.abs(w), atol, Number.MIN_VALUE);
    if (abs > maxAbs) maxAbs = abs;
    if (rel > maxRel) maxRel = rel;
    if (!(abs <= atol + rtol * Math.abs(w))) { bad++; if (firstBad < 0) firstBad = i; }
  }
  return { maxAbs, maxRel, bad, firstBad };
}

// float16 tensors hold IEEE half bits (Node has no Float16Array): decode
// them so that tolerances apply to values, not to bit patterns.
function halfToFloat(h) {
  const sign = h & 0x8000 ? -1 : 1, exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function values(type, data) {
  return type === 'float16' ? Array.from(data, halfToFloat) : data;
}

// Linear interpolation between order statistics (numpy's default percentile).
function percentile(sorted, p) {
  const pos = (sorted.length - 1) * p / 100;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

// ---------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const ort = loadOrt();
  if (!fs.existsSync(opts.model)) die(`${opts.model}: no such file`);

  let session;
  try {
    session = await ort.InferenceSession.create(opts.model, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      intraOpNumThreads: opts.threads,
      interOpNumThreads: 1,
    });
  } catch (e) {
    die(`${opts.model}: ${e.message}`);
  }

  const inputFiles = listTensors(opts.dataDir, 'input');
  if (inputFiles.length === 0) die(`${opts.dataDir}: no input_0.pb`);
  if (inputFiles.length !== session.inputNames.length) {
    die(`${opts.dataDir}: ${inputFiles.length} inputs, the model has ${session.inputNames.length}`);
  }
  // Feed by position, as the backend-test layout defines; the name stored
  // in the file is only checked when present.
  const feeds = {};
  inputFiles.forEach((file, i) => {
    const t = readTensor(file);
    const name = session.inputNames[i];
    if (t.name && t.name !== name) die(`${file}: tensor '${t.name}', model input ${i} is '${name}'`);
    feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
  });

  if (opts.benchmark > 0) {
    for (let i = 0; i < opts.warmup; i++) await session.run(feeds);
    const times = [];
    for (let i = 0; i < opts.benchmark; i++) {
      const t0 = process.hrtime.bigint();
      await session.run(feeds);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const stats = {
      p50_ms: percentile(sorted, 50), p90_ms: percentile(sorted, 90), min_ms: sorted[0],
      mean_ms: times.reduce((a, b) => a + b, 0) / times.length,
      runs: times.length, warmup: opts.warmup, threads: opts.threads,
      engine: 'onnxruntime', version: ort.env.versions.common, model: opts.model,
    };
    if (opts.json) {
      console.log(JSON.stringify(stats));
    } else {
      console.log(`${opts.model}: onnxruntime ${stats.version}, ${stats.threads} threads, ` +
                  `${stats.runs} runs after ${stats.warmup} warm-up`);
      console.log(`p50 ${stats.p50_ms.toFixed(3)} ms  p90 ${stats.p90_ms.toFixed(3)} ms  ` +
                  `min ${stats.min_ms.toFixed(3)} ms  mean ${stats.mean_ms.toFixed(3)} ms`);
    }
    return 0;
  }

  const results = await session.run(feeds);
  if (opts.writeOutputs) {
    fs.mkdirSync(opts.writeOutputs, { recursive: true });
    session.outputNames.forEach((name, i) => {
      const t = results[name];
      fs.writeFileSync(path.join(opts.writeOutputs, `output_${i}.pb`),
                       encodeTensor(name, t.type, t.dims, t.data));
    });
  }

  const wantFiles = listTensors(opts.dataDir, 'output');
  if (wantFiles.length === 0) {
    session.outputNames.forEach((name) => {
      const t = results[name];
      console.log(`${name}: ${t.type} [${t.dims.join(',')}] (no reference to compare with)`);
    });
    return 0;
  }
  if (wantFiles.length !== session.outputNames.length) {
    die(`${opts.dataDir}: ${wantFiles.length} outputs, the model has ${session.outputNames.length}`);
  }
  let ok = true;
  wantFiles.forEach((file, i) => {
    const name = session.outputNames[i];
    const want = readTensor(file);
    const got = results[name];
    const shapeOk = JSON.stringify(got.dims.map(Number)) === JSON.stringify(want.dims);
    if (!shapeOk || got.type !== want.type) {
      console.log(`${name}: MISMATCH got ${got.type} [${got.dims}], ` +
                  `expected ${want.type} [${want.dims}]`);
      ok = false;
      return;
    }
    const c = compare(values(got.type, got.data), values(want.type, want.data),
                      opts.rtol, opts.atol);
    const pass = c.bad === 0;
    ok = ok && pass;
    let line = `${name}: ${pass ? 'ok' : 'MISMATCH'} ${got.type} [${got.dims.join(',')}] ` +
               `max_abs_err ${c.maxAbs.toExponential(3)} max_rel_err ${c.maxRel.toExponential(3)}`;
    if (!pass) {
      line += ` (${c.bad} of ${want.data.length} outside atol=${opts.atol} rtol=${opts.rtol}; ` +
              `first at flat index ${c.firstBad}: got ${got.data[c.firstBad]}, ` +
              `expected ${want.data[c.firstBad]})`;
    }
    console.log(line);
  });
  return ok ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => die(e && e.stack ? e.stack : String(e)));
