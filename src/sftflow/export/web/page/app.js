// The fine-tuned model in the page: transformers.js (WASM) generates greedily, sql.js runs the answer's SQL.
// page.json (written by `sftflow export --format browser`) holds the run's prompt: the system text and the
// user template as parts ({text} or {field}), rendered here exactly as training rendered them, then put
// through the tokenizer's chat template. Everything is fetched from this folder: no network.
import { AutoModelForCausalLM, AutoTokenizer, Tensor, env } from './lib/transformers.min.js';

const $ = (id) => document.getElementById(id);
const state = { state: 'loading' }; // read by tests and benchmarks: ids, timings, errors
window.sftflow = state;

function setState(name, extra = {}) {
  Object.assign(state, extra, { state: name });
  document.body.dataset.state = name;
}

function render(parts, values) {
  return parts.map((part) => ('text' in part ? part.text : values[part.field])).join('').trim();
}

function messages(config, values) {
  const out = [];
  const system = config.system ? render(config.system, values) : '';
  if (system) out.push({ role: 'system', content: system }); // an empty system template means no system message
  out.push({ role: 'user', content: render(config.user, values) });
  return out;
}

function extractSql(text) {
  const fenced = text.match(/```(?:sql)?[ \t]*\n?([\s\S]*?)(?:```|$)/i);
  return (fenced ? fenced[1] : text).trim();
}

function buildFields(config) {
  for (const field of config.fields) {
    const label = document.createElement('label');
    label.htmlFor = `field-${field.name}`;
    label.textContent = field.label;
    const box = document.createElement('textarea');
    box.id = `field-${field.name}`;
    box.name = field.name;
    box.rows = field.rows;
    $('fields').append(label, box);
  }
  if (config.example) {
    $('example').hidden = false;
    $('example').onclick = () => {
      for (const [name, value] of Object.entries(config.example)) $(`field-${name}`).value = value;
    };
  }
}

function values(config) {
  return Object.fromEntries(config.fields.map((f) => [f.name, $(`field-${f.name}`).value]));
}

async function generate(config, tokenizer, model) {
  const prompt = tokenizer.apply_chat_template(messages(config, values(config)), {
    tokenize: false, add_generation_prompt: true,
  });
  const promptIds = tokenizer.encode(prompt, { add_special_tokens: false }); // as sftflow's chat_ids does
  const maxNewTokens = Number($('max-new-tokens').value) || config.max_new_tokens;
  setState('generating', { promptIds, outputIds: [], text: '', error: null });
  $('answer').value = '';
  const shape = [1, promptIds.length];
  const inputIds = new Tensor('int64', BigInt64Array.from(promptIds, BigInt), shape);
  const attentionMask = new Tensor('int64', new BigInt64Array(promptIds.length).fill(1n), shape);
  let firstTokenAt = null;
  let calls = 0;
  const streamer = { // the first put() is the prompt, each later one a new token
    put: (ids) => {
      if (calls++ === 0) return;
      firstTokenAt ??= performance.now();
      const token = Number(ids[0].at(-1)); // ids: one list of token ids per sequence
      state.outputIds.push(token);
      $('answer').value = tokenizer.decode(state.outputIds, { skip_special_tokens: true });
    },
    end: () => {},
  };
  const start = performance.now();
  const output = await model.generate({
    input_ids: inputIds, attention_mask: attentionMask, max_new_tokens: maxNewTokens, do_sample: false, streamer,
  });
  const seconds = (performance.now() - start) / 1000;
  const outputIds = Array.from(output.data.slice(promptIds.length), Number);
  const text = tokenizer.decode(outputIds, { skip_special_tokens: true });
  const tokensPerSecond = outputIds.length / seconds;
  $('answer').value = text;
  $('stats').textContent = `${outputIds.length} tokens in ${seconds.toFixed(2)} s: ${tokensPerSecond.toFixed(1)} tokens/s`
    + ` (first token after ${((firstTokenAt - start) / 1000).toFixed(2)} s)`;
  setState('done', {
    outputIds, text, seconds, tokensPerSecond,
    firstTokenSeconds: firstTokenAt === null ? null : (firstTokenAt - start) / 1000,
  });
}

function showRows(result) {
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const column of result.columns) head.appendChild(document.createElement('th')).textContent = column;
  const body = table.createTBody();
  for (const row of result.values) {
    const line = body.insertRow();
    for (const value of row) line.insertCell().textContent = value === null ? 'NULL' : String(value);
  }
  $('rows').replaceChildren(table);
}

async function runSql(config, SQL) {
  const db = new SQL.Database(); // in memory, new for every run: the schema's CREATE TABLE and INSERT statements
  try {
    db.exec(values(config).sql_context);
    state.sql = extractSql($('answer').value);
    const results = db.exec(state.sql);
    const last = results.at(-1) ?? { columns: [], values: [] };
    showRows(last);
    $('run-status').textContent = `${last.values.length} row(s)`;
    $('run-status').className = '';
    state.rows = { columns: last.columns, values: last.values };
  } catch (error) {
    $('rows').replaceChildren();
    $('run-status').textContent = `SQLite: ${error.message}`;
    $('run-status').className = 'error';
    state.rows = { error: error.message };
  } finally {
    db.close();
  }
}

async function main() {
  const config = await (await fetch('page.json')).json();
  document.title = config.title;
  $('title').textContent = config.title;
  $('max-new-tokens').value = config.max_new_tokens;
  buildFields(config);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.useBrowserCache = false; // a re-export into the same folder must not be shadowed by an old copy
  env.localModelPath = new URL('models/', window.location.href).pathname;
  env.backends.onnx.wasm.wasmPaths = new URL('lib/', window.location.href).href;
  // threads need SharedArrayBuffer, which `sftflow export --serve` enables (cross-origin isolation headers)
  env.backends.onnx.wasm.numThreads = self.crossOriginIsolated ? navigator.hardwareConcurrency : 1;
  const started = performance.now();
  const [tokenizer, model, SQL] = await Promise.all([
    AutoTokenizer.from_pretrained(config.model),
    AutoModelForCausalLM.from_pretrained(config.model, { dtype: 'fp32', device: 'wasm' }),
    config.sql ? window.initSqlJs({ locateFile: (file) => `lib/${file}` }) : null,
  ]);
  const threads = env.backends.onnx.wasm.numThreads;
  const loadSeconds = (performance.now() - started) / 1000;
  $('status').textContent = `Model loaded in ${loadSeconds.toFixed(1)} s; running on WebAssembly with ${threads} `
    + `thread(s), in this page only.`;
  setState('ready', { loadSeconds, threads });
  $('generate').disabled = false;
  $('sql-panel').hidden = !config.sql;
  $('form').onsubmit = async (event) => {
    event.preventDefault();
    $('generate').disabled = true;
    $('run-sql').disabled = true;
    try {
      await generate(config, tokenizer, model);
    } catch (error) {
      $('answer').value = `Error: ${error.message}`;
      setState('error', { error: error.message });
    } finally {
      $('generate').disabled = false;
      $('run-sql').disabled = !$('answer').value.trim();
    }
  };
  $('answer').oninput = () => { $('run-sql').disabled = !$('answer').value.trim(); };
  $('run-sql').onclick = () => runSql(config, SQL);
}

main().catch((error) => {
  $('status').textContent = `Could not load the model: ${error.message}`;
  $('status').className = 'error';
  setState('error', { error: error.message });
});
