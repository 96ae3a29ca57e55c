// ONNX Runtime (CPU) side of compare-ort.py: loads one model and answers
// commands on stdin, one per line, so that the session is created once and
// the rounds can be interleaved with `yolor bench`.
//
//   node ort-bench.js MODEL.onnx THREADS
//   -> "ready VERSION" once the session exists
//   run N             N timed forward passes on a fixed input (one untimed
//                     first) -> "times MS MS ..."
//   dump INPUT DIR    input = raw float32 [1][3][H][W]; writes each output
//                     as DIR/NAME.bin (float32) -> "dumped NAME ..."
//   quit
//
// SPDX-License-Identifier: LGPL-2.1-or-later
'use strict';

const fs = require('fs');
const path = require('path');
const readline = require('readline');
const ort = require('onnxruntime-node');

async function main () {
  const [model, threads] = process.argv.slice(2);
  if (!model || !threads) {
    console.error('usage: node ort-bench.js MODEL.onnx THREADS');
    process.exit(2);
  }
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: Number(threads),
    interOpNumThreads: 1
  });
  const name = session.inputNames[0];
  const dims = session.inputMetadata
    ? session.inputMetadata[0].shape : null;
  let shape = dims && dims.every(Number.isInteger) ? dims : null;
  let fixed = null;

  function input (data) {
    return { [name]: new ort.Tensor('float32', data, shape) };
  }
  function fixedInput () {
    if (!fixed) {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      let s = 2;
      for (let i = 0; i < n; i++) {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        data[i] = (s >>> 8) / 16777216;
      }
      fixed = input(data);
    }
    return fixed;
  }

  console.log('ready ' + ort.env.versions.common);
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    const [cmd, a, b] = line.trim().split(/\s+/);
    if (cmd === 'run') {
      const feeds = fixedInput();
      await session.run(feeds);
      const times = [];
      for (let i = 0; i < Number(a); i++) {
        const t0 = process.hrtime.bigint();
        await session.run(feeds);
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      console.log('times ' + times.map((t) => t.toFixed(3)).join(' '));
    } else if (cmd === 'dump') {
      const buf = fs.readFileSync(a);
      const data = new Float32Array(buf.buffer, buf.byteOffset,
        buf.length / 4);
      const out = await session.run(input(data));
      const names = Object.keys(out);
      for (const k of names) {
        const t = out[k].data;
        fs.writeFileSync(path.join(b, k + '.bin'),
          Buffer.from(t.buffer, t.byteOffset, t.byteLength));
      }
      console.log('dumped ' + names.join(' '));
    } else if (cmd === 'quit') {
      break;
    } else {
      console.log('error unknown command ' + cmd);
    }
  }
  process.exit(0);
}

main().catch((e) => {
  console.error('ort-bench: ' + (e && e.message ? e.message : e));
  process.exit(1);
});
