import { createHash } from 'node:crypto';
import type { ImportedHost, Inventory } from './reconcile.js';

type Flow = Record<string, string | number | boolean | undefined>;

/**
 * The imported inventory as an ordinary scenario (docs/import.md): nova's section holds the
 * reservation and ratios most hosts share, each rack the RAM and vCPUs most of its hosts have,
 * and a host lists only what differs, so the file reads like one written by hand and designs
 * that patch `cloud.nova` still reach the hosts that follow it. Every instance is pinned.
 */

/** Names → stable short hashes, per kind (host, group, rack, zone), and the way back. */
export class Anonymizer {
  readonly mapping: Record<string, Record<string, string>> = {};
  private readonly used = new Set<string>();
  private readonly cache = new Map<string, string>();

  name(kind: 'host' | 'group' | 'rack' | 'zone', real: string): string {
    const key = `${kind}\u0000${real}`;
    const known = this.cache.get(key);
    if (known !== undefined) return known;
    const digest = createHash('sha256').update(key).digest('hex');
    let len = 8;
    let out = `${kind[0]}-${digest.slice(0, len)}`;
    while (this.used.has(out)) out = `${kind[0]}-${digest.slice(0, ++len)}`;
    this.used.add(out);
    this.cache.set(key, out);
    (this.mapping[kind] ??= {})[out] = real;
    return out;
  }
}

/** Replaces every host, group, rack and zone name of the inventory in place. */
export function anonymize(inv: Inventory, a: Anonymizer): void {
  const hostName = new Map<string, string>();
  for (const h of inv.hosts) {
    const n = a.name('host', h.name);
    hostName.set(h.name, n);
    h.name = n;
    h.serviceHost = undefined;
    h.uuid = undefined;
    h.rack = a.name('rack', h.rack);
    if (h.availabilityZone !== undefined) h.availabilityZone = a.name('zone', h.availabilityZone);
  }
  for (const g of inv.groups) g.name = a.name('group', g.name);
  for (const l of inv.instances) {
    l.host = hostName.get(l.host)!;
    if (l.group !== undefined) l.group = a.name('group', l.group);
    if (l.availabilityZone !== undefined) l.availabilityZone = a.name('zone', l.availabilityZone);
  }
}

/** A YAML scalar: plain when YAML reads it back as the same string, else double-quoted (JSON). */
export function scalar(v: string | number | boolean): string {
  if (typeof v !== 'string') return String(v);
  const plain = /^[A-Za-z0-9_][A-Za-z0-9_.\-/@]*$/.test(v) && Number.isNaN(Number(v)) && !/^(true|false|yes|no|on|off|null|y|n|~|\.inf|\.nan)$/i.test(v);
  return plain ? v : JSON.stringify(v);
}

function flow(o: Flow): string {
  return `{${Object.entries(o).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${scalar(v!)}`).join(', ')}}`;
}

function mode<T>(values: T[]): T {
  const counts = new Map<T, number>();
  let best = values[0], bestN = 0;
  for (const v of values) {
    const n = (counts.get(v) ?? 0) + 1;
    counts.set(v, n);
    if (n > bestN) { best = v; bestN = n; }
  }
  return best;
}

const mib = (mb: number) => `${mb}MiB`;

/** The scenario as data (what the YAML says), validated before it is written. */
export interface ScenarioData {
  name: string;
  seed: number;
  horizon: string;
  replications: number;
  cloud: {
    nova: Flow;
    racks: { name: string; ram: string; vcpus: number; availability_zone?: string; hosts: Flow[] }[];
    flavors: Flow[];
    groups?: Flow[];
    instances: Flow[];
  };
  studies: { evacuation: { initial_layout: 'fixed'; check: { level: 1; racks: true } } };
}

const defined = (o: Flow): Flow => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export function scenarioData(inv: Inventory, name: string): ScenarioData {
  const hosts = inv.hosts;
  // Placement semantics: capacity (total − reserved) × ratio, max_unit from the inventory.
  const nova = {
    release: 'antelope',
    reserved_host_memory_mb: mode(hosts.map((h) => h.reservedMb)),
    reserved_host_cpus: mode(hosts.map((h) => h.reservedCpus)),
    ram_allocation_ratio: mode(hosts.map((h) => h.ramRatio)),
    cpu_allocation_ratio: mode(hosts.map((h) => h.cpuRatio)),
  };
  const byRack = new Map<string, ImportedHost[]>();
  for (const h of hosts) { let r = byRack.get(h.rack); if (r === undefined) byRack.set(h.rack, r = []); r.push(h); }
  const racks: ScenarioData['cloud']['racks'] = [];
  for (const [rackName, rh] of byRack) {
    const ram = mode(rh.map((h) => h.totalMb)), vcpus = mode(rh.map((h) => h.vcpus));
    const zones = new Set(rh.map((h) => h.availabilityZone));
    const zone = zones.size === 1 ? rh[0].availabilityZone : undefined;
    racks.push({
      name: rackName, ram: mib(ram), vcpus, ...(zone !== undefined ? { availability_zone: zone } : {}),
      hosts: rh.map((h) => defined({
        name: h.name,
        ram: h.totalMb !== ram ? mib(h.totalMb) : undefined,
        vcpus: h.vcpus !== vcpus ? h.vcpus : undefined,
        reserved_host_memory_mb: h.reservedMb !== nova.reserved_host_memory_mb ? h.reservedMb : undefined,
        reserved_host_cpus: h.reservedCpus !== nova.reserved_host_cpus ? h.reservedCpus : undefined,
        ram_allocation_ratio: h.ramRatio !== nova.ram_allocation_ratio ? h.ramRatio : undefined,
        cpu_allocation_ratio: h.cpuRatio !== nova.cpu_allocation_ratio ? h.cpuRatio : undefined,
        ram_max_unit: h.maxUnitMb !== h.totalMb ? mib(h.maxUnitMb) : undefined,
        enabled: h.enabled ? undefined : false,
        availability_zone: zone === undefined ? h.availabilityZone : undefined,
      })),
    });
  }
  // The flavors of the imported instances (share: their count, the real mix); all of them when there is none.
  const used = inv.flavors.filter((f) => f.instances > 0);
  const flavors = (used.length > 0 ? used : inv.flavors)
    .map((f) => ({ name: f.name, ram: mib(f.ramMb), vcpus: f.vcpus, disk: `${f.diskGb}GiB`, share: f.instances }));
  return {
    name, seed: 1, horizon: '365d', replications: 100,
    cloud: {
      nova, racks, flavors,
      ...(inv.groups.length > 0 ? { groups: inv.groups.map((g) => ({ name: g.name, policy: g.policy })) } : {}),
      instances: inv.instances.map((l) => defined({ host: l.host, flavor: l.flavor, count: l.count > 1 ? l.count : undefined, group: l.group, availability_zone: l.availabilityZone })),
    },
    studies: { evacuation: { initial_layout: 'fixed', check: { level: 1, racks: true } } },
  };
}

/** The data as YAML: one flow mapping per host, flavor, group and instance line. */
export function scenarioYaml(d: ScenarioData, comment?: string): string {
  const out: string[] = [];
  if (comment !== undefined) for (const l of comment.split('\n')) out.push(`# ${l}`);
  out.push(`name: ${scalar(d.name)}`, `seed: ${d.seed}`, `horizon: ${d.horizon}`, `replications: ${d.replications}`, 'cloud:');
  out.push(`  nova: ${flow(d.cloud.nova)}`, '  racks:');
  for (const r of d.cloud.racks) {
    out.push(`    - name: ${scalar(r.name)}`, `      ram: ${r.ram}`, `      vcpus: ${r.vcpus}`);
    if (r.availability_zone !== undefined) out.push(`      availability_zone: ${scalar(r.availability_zone)}`);
    out.push('      hosts:');
    for (const h of r.hosts) out.push(`        - ${flow(h)}`);
  }
  out.push('  flavors:');
  for (const f of d.cloud.flavors) out.push(`    - ${flow(f)}`);
  if (d.cloud.groups !== undefined) {
    out.push('  groups:');
    for (const g of d.cloud.groups) out.push(`    - ${flow(g)}`);
  }
  if (d.cloud.instances.length === 0) out.push('  instances: []');
  else {
    out.push('  instances:');
    for (const l of d.cloud.instances) out.push(`    - ${flow(l)}`);
  }
  out.push('studies:', '  evacuation:',
    '    # every instance is pinned: the inventory is the initial state of every replication',
    '    initial_layout: fixed',
    '    check: {level: 1, racks: true}', '');
  return out.join('\n');
}
