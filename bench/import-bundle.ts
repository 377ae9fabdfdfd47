import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A synthetic inventory bundle shaped like scripts/export-openstack.sh's output with a current
 * client (python-openstackclient 10.x, compute API ≥ 2.88, osc-placement ≥ 3.0): the scale
 * reference of `headroom import` (5,000 hypervisors, 200,000 servers). Generated, never committed.
 *
 *   node dist/bench/import-bundle.js OUTDIR [--hypervisors 5000] [--servers 200000]
 *
 * Hosts come in racks of 40 (an aggregate per rack, two zones), of three sizes; servers of ten
 * flavors are placed at random where they fit placement's capacity; one server in 20 starts an
 * anti-affinity group of 3.
 */
export interface BundleSize { hypervisors: number; servers: number; seed?: number }

const HOST_TYPES = [
  { mem: 393216, cpus: 64 }, { mem: 524288, cpus: 96 }, { mem: 786432, cpus: 128 },
];
const FLAVORS: [string, number, number, number][] = [
  ['m1.tiny', 512, 1, 1], ['m1.small', 2048, 1, 20], ['m1.medium', 4096, 2, 40], ['m1.large', 8192, 4, 80],
  ['m1.xlarge', 16384, 8, 160], ['r1.large', 16384, 2, 80], ['r1.xlarge', 32768, 4, 160], ['c1.large', 4096, 8, 40],
  ['c1.xlarge', 8192, 16, 80], ['m1.2xlarge', 32768, 16, 320],
];
const WEIGHTS = [2, 10, 20, 25, 15, 8, 5, 8, 4, 3];
const RESERVED = 8192;

const uuid = (kind: number, n: number) => `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export function writeBundle(dir: string, size: BundleSize): { servers: number } {
  let x = (size.seed ?? 1) >>> 0 || 1;
  const rnd = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 4294967296; };
  const H = size.hypervisors;
  const hosts = Array.from({ length: H }, (_, h) => {
    const t = HOST_TYPES[h % 7 === 0 ? 2 : h % 3 === 0 ? 1 : 0];
    const rack = Math.floor(h / 40);
    return { h, name: `r${rack + 1}-cmp${(h % 40) + 1}`, fqdn: `r${rack + 1}-cmp${(h % 40) + 1}.dc1.example.org`, rack, uuid: uuid(1, h + 1), ...t, usedMem: 0, usedCpu: 0 };
  });
  const cum: number[] = [];
  WEIGHTS.reduce((a, w, i) => (cum[i] = a + w), 0);
  const total = cum[cum.length - 1];
  const servers: Record<string, unknown>[] = [];
  const groups: Record<string, unknown>[] = [];
  const place = (f: number, avoid: Set<number>): number => {
    const [, mem, cpu] = FLAVORS[f];
    for (let tries = 0; tries < 64; tries++) {
      const c = hosts[Math.floor(rnd() * H)];
      if (avoid.has(c.h)) continue;
      if ((c.mem - RESERVED) * 1.0 - c.usedMem >= mem && c.cpus * 4 - c.usedCpu >= cpu) { c.usedMem += mem; c.usedCpu += cpu; return c.h; }
    }
    return -1;
  };
  const server = (f: number, h: number) => {
    const n = servers.length + 1;
    servers.push({
      ID: uuid(2, n), Name: `vm-${n}`, Status: 'ACTIVE', 'Task State': null, 'Power State': 'Running',
      Networks: { private: [`10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`] }, 'Image Name': 'ubuntu-24.04', 'Image ID': uuid(3, 1),
      Flavor: FLAVORS[f][0], 'Availability Zone': `az${(hosts[h].rack % 2) + 1}`, Host: hosts[h].fqdn, Properties: {},
      'Pinned Availability Zone': null, 'Project ID': `p${(n % 97).toString().padStart(31, '0')}`,
    });
    return servers[servers.length - 1].ID as string;
  };
  let misses = 0;
  while (servers.length < size.servers && misses < 1000) {
    const v = rnd() * total;
    const f = cum.findIndex((c) => v < c);
    if (servers.length % 20 === 0 && servers.length + 3 <= size.servers) {
      const used = new Set<number>(), members: string[] = [];
      for (let k = 0; k < 3; k++) {
        const h = place(f, used);
        if (h < 0) break;
        used.add(h);
        members.push(server(f, h));
      }
      groups.push({ ID: uuid(4, groups.length + 1), Name: `app-${groups.length + 1}`, Policy: 'anti-affinity', Members: members, 'Project Id': 'p1', 'User Id': 'u1' });
      continue;
    }
    const h = place(f, new Set());
    if (h < 0) { misses++; continue; }
    server(f, h);
  }
  mkdirSync(join(dir, 'inventory'), { recursive: true });
  mkdirSync(join(dir, 'usage'), { recursive: true });
  mkdirSync(join(dir, 'hypervisor'), { recursive: true });
  const w = (f: string, v: unknown) => writeFileSync(join(dir, f), JSON.stringify(v, null, 2));
  w('resource_providers.json', hosts.map((c) => ({ uuid: c.uuid, name: c.fqdn, generation: 3, root_provider_uuid: c.uuid, parent_provider_uuid: null })));
  for (const c of hosts) {
    w(`inventory/${c.uuid}.json`, [
      { resource_class: 'VCPU', allocation_ratio: 4.0, min_unit: 1, max_unit: c.cpus, reserved: 0, step_size: 1, total: c.cpus, used: c.usedCpu },
      { resource_class: 'MEMORY_MB', allocation_ratio: 1.0, min_unit: 1, max_unit: c.mem, reserved: RESERVED, step_size: 1, total: c.mem, used: c.usedMem },
    ]);
    w(`usage/${c.uuid}.json`, [{ resource_class: 'VCPU', usage: c.usedCpu }, { resource_class: 'MEMORY_MB', usage: c.usedMem }]);
    w(`hypervisor/${c.uuid}.json`, { hypervisor_hostname: c.fqdn, hypervisor_type: 'QEMU', id: c.uuid, service_host: c.name, state: 'up', status: 'enabled', host_ip: `10.0.${c.h >> 8}.${c.h & 255}` });
  }
  w('hypervisors.json', hosts.map((c) => ({ ID: c.uuid, 'Hypervisor Hostname': c.fqdn, 'Hypervisor Type': 'QEMU', 'Host IP': `10.0.${c.h >> 8}.${c.h & 255}`, State: 'up' })));
  w('compute_services.json', hosts.map((c) => ({ ID: c.h + 10, Binary: 'nova-compute', Host: c.name, Zone: `az${(c.rack % 2) + 1}`, Status: 'enabled', State: 'up', 'Updated At': '2026-12-01T10:00:00.000000', 'Disabled Reason': null, 'Forced Down': false })));
  w('servers.json', servers);
  w('flavors.json', FLAVORS.map(([name, ram, vcpus, disk], i) => ({ ID: String(i + 1), Name: name, RAM: ram, Disk: disk, Ephemeral: 0, VCPUs: vcpus, 'Is Public': true, Swap: 0, 'RXTX Factor': 1.0, Properties: {} })));
  w('server_groups.json', groups);
  const racks = Math.ceil(H / 40);
  w('aggregates.json', Array.from({ length: racks }, (_, r) => ({ ID: r + 1, UUID: uuid(5, r + 1), Name: `rack-${String(r + 1).padStart(3, '0')}`, 'Availability Zone': null, Properties: {}, Hosts: hosts.filter((c) => c.rack === r).map((c) => c.name) })));
  w('availability_zones.json', []);
  return { servers: servers.length };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (n: string, d: number) => { const i = args.indexOf(n); return i >= 0 ? Number(args[i + 1]) : d; };
  const dir = args.find((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
  if (dir === undefined) { console.error('usage: node dist/bench/import-bundle.js OUTDIR [--hypervisors 5000] [--servers 200000]'); process.exit(2); }
  const r = writeBundle(dir, { hypervisors: opt('--hypervisors', 5000), servers: opt('--servers', 200000) });
  console.error(`${dir}: ${opt('--hypervisors', 5000)} hypervisors, ${r.servers} servers`);
}
