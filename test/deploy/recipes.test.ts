import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { Ajv, type ValidateFunction } from 'ajv';

// The deploy recipes cannot run here (no cluster, no GitHub): their syntax is checked against
// the schema fragments shipped in deploy/schemas/, and what ties them together (N in one place
// and the other, the shard folders the merge reads) is checked as well.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
const schema = (name: string): ValidateFunction => ajv.compile(JSON.parse(readFileSync(join(root, 'deploy/schemas', name), 'utf8')));
const k8s = schema('kubernetes-job-pvc.schema.json');
const workflow = schema('github-workflow.schema.json');

type Doc = Record<string, any>;

function documents(rel: string): Doc[] {
  const docs = parseAllDocuments(readFileSync(join(root, rel), 'utf8'), { uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const d of list) assert.deepEqual(d.errors.map((e) => e.message), [], `${rel}: YAML syntax`);
  return list.map((d) => d.toJS() as Doc);
}

function errorsOf(validate: ValidateFunction, doc: unknown): string[] {
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

const clone = <T>(x: T): T => structuredClone(x);
const manifests = readdirSync(join(root, 'deploy/k8s')).filter((f) => f.endsWith('.yaml')).sort();
const workflows = readdirSync(join(root, '.github/workflows')).filter((f) => /\.ya?ml$/.test(f)).sort();

test('every manifest of deploy/k8s is valid against the Kubernetes schema fragment', () => {
  assert.deepEqual(manifests, ['merge-job.yaml', 'shards-job.yaml', 'shards-pvc.yaml']);
  for (const f of manifests) for (const doc of documents(`deploy/k8s/${f}`)) assert.deepEqual(errorsOf(k8s, doc), [], f);
});

test('the Kubernetes schema fragment rejects what the API server would', () => {
  const [job] = documents('deploy/k8s/shards-job.yaml');
  const typo = clone(job);
  typo.spec.completion = typo.spec.completions;
  assert.notDeepEqual(errorsOf(k8s, typo), []);
  const noCompletions = clone(job);
  delete noCompletions.spec.completions;
  assert.ok(errorsOf(k8s, noCompletions).some((e) => /completions/.test(e)), 'an Indexed Job needs completions');
  const always = clone(job);
  always.spec.template.spec.restartPolicy = 'Always';
  assert.notDeepEqual(errorsOf(k8s, always), [], 'Job pods restart Never or OnFailure');
  const badQuantity = clone(job);
  badQuantity.spec.template.spec.containers[0].resources.requests.memory = '1 GB';
  assert.notDeepEqual(errorsOf(k8s, badQuantity), []);
  const [pvc] = documents('deploy/k8s/shards-pvc.yaml');
  const mode = clone(pvc);
  mode.spec.accessModes = ['ReadWriteAll'];
  assert.notDeepEqual(errorsOf(k8s, mode), []);
});

test('the Indexed Job, the volume and the merge Job agree: N, the shard folders, the claim', () => {
  const [job] = documents('deploy/k8s/shards-job.yaml');
  const [merge] = documents('deploy/k8s/merge-job.yaml');
  const [pvc] = documents('deploy/k8s/shards-pvc.yaml');
  const env = (j: Doc) => Object.fromEntries(j.spec.template.spec.containers[0].env.map((e: Doc) => [e.name, e.value]));
  assert.equal(job.spec.completionMode, 'Indexed');
  assert.equal(Number(env(job).SHARDS), job.spec.completions, 'SHARDS = completions');
  const args = job.spec.template.spec.containers[0].args.join(' ');
  assert.match(args, /K=\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)/, 'the 0-based completion index becomes the 1-based shard');
  assert.match(args, /--shard "\$K\/\$SHARDS"/);
  assert.match(args, /--out "\$SHARD_ROOT\/shard-\$K"/);
  assert.match(merge.spec.template.spec.containers[0].args.join(' '), /headroom merge "\$SHARD_ROOT"\/shard-\* --out /);
  assert.equal(env(merge).SHARD_ROOT, env(job).SHARD_ROOT);
  for (const j of [job, merge]) {
    const spec = j.spec.template.spec;
    assert.equal(spec.volumes[0].persistentVolumeClaim.claimName, pvc.metadata.name);
    const mount = spec.containers[0].volumeMounts[0].mountPath;
    assert.ok(env(j).SHARD_ROOT.startsWith(`${mount}/`), 'the shards live on the shared volume');
  }
  assert.deepEqual(pvc.spec.accessModes, ['ReadWriteMany'], 'shard pods on several nodes write at once');
});

test('every workflow is valid against the GitHub Actions schema fragment, which rejects typos', () => {
  assert.ok(workflows.includes('sharded.yml'));
  for (const f of workflows) for (const doc of documents(`.github/workflows/${f}`)) assert.deepEqual(errorsOf(workflow, doc), [], f);
  const [wf] = documents('.github/workflows/sharded.yml');
  const both = clone(wf);
  both.jobs.merge.steps[0].run = 'echo';
  assert.notDeepEqual(errorsOf(workflow, both), [], 'a step with uses and run');
  const typo = clone(wf);
  typo.jobs.shard['run-on'] = typo.jobs.shard['runs-on'];
  assert.notDeepEqual(errorsOf(workflow, typo), []);
  const noMatrix = clone(wf);
  noMatrix.jobs.shard.strategy = { 'fail-fast': true };
  assert.notDeepEqual(errorsOf(workflow, noMatrix), []);
});

test('the sharded workflow runs shards 1..SHARDS and merges every one of them after all finished', () => {
  const [wf] = documents('.github/workflows/sharded.yml');
  const n = Number(wf.env.SHARDS);
  assert.deepEqual(wf.jobs.shard.strategy.matrix.shard, Array.from({ length: n }, (_, i) => i + 1));
  const runs = (job: Doc) => job.steps.filter((s: Doc) => s.run).map((s: Doc) => s.run).join('\n');
  assert.match(runs(wf.jobs.shard), /headroom run "\$SCENARIO" .*--shard "\$\{\{ matrix\.shard \}\}\/\$SHARDS" --out "shards\/shard-\$\{\{ matrix\.shard \}\}"/);
  const upload = wf.jobs.shard.steps.find((s: Doc) => String(s.uses).startsWith('actions/upload-artifact@'));
  assert.equal(upload.with.name, 'shard-${{ matrix.shard }}');
  assert.equal(upload.with.path, 'shards/shard-${{ matrix.shard }}');
  assert.equal(wf.jobs.merge.needs, 'shard');
  const download = wf.jobs.merge.steps.find((s: Doc) => String(s.uses).startsWith('actions/download-artifact@'));
  assert.deepEqual(download.with, { pattern: 'shard-*', path: 'shards' });
  assert.match(runs(wf.jobs.merge), /headroom merge shards\/shard-\* --out /);
});
