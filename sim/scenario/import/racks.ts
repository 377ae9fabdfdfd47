/** What rack assignment reads and sets of an imported host. */
export interface RackedHost { name: string; serviceHost?: string; availabilityZone?: string; rack: string }

/** `--racks`: a host → rack map (CSV or YAML), or a pattern whose first group names the rack. */
export type RackSource = { kind: 'map'; file: string; map: Map<string, string> } | { kind: 'pattern'; pattern: RegExp };

/**
 * Sets every host's rack and sorts the hosts rack by rack, then by name; returns the warnings.
 * Order of sources: `--racks`; else aggregates without a zone whose hosts split the cloud (each
 * host in exactly one); else availability zones, when there are two or more; else one rack per
 * host. A host matches a map or pattern by its hypervisor hostname or its compute service host.
 */
export function assignRacks<H extends RackedHost>(hosts: H[], aggregates: { name: string; az?: string; hosts: string[] }[], source?: RackSource): string[] {
  const warnings: string[] = [];
  const keys = (h: RackedHost) => (h.serviceHost !== undefined && h.serviceHost !== h.name ? [h.name, h.serviceHost] : [h.name]);
  if (source !== undefined) {
    const missing: string[] = [];
    for (const h of hosts) {
      let rack: string | undefined;
      for (const k of keys(h)) {
        if (source.kind === 'map') rack ??= source.map.get(k);
        else rack ??= source.pattern.exec(k)?.[1];
      }
      if (rack === undefined) { missing.push(h.name); rack = h.name; }
      h.rack = rack;
    }
    if (missing.length > 0) {
      warnings.push(`${missing.length} host(s) not in ${source.kind === 'map' ? source.file : `the pattern ${source.pattern.source}`}, each made a rack of its own, e.g. ${missing.slice(0, 3).join(', ')} (expected every host to have a rack)`);
    }
  } else {
    const rackOf = partition(hosts, aggregates.filter((a) => a.az === undefined), keys);
    const zones = new Set(hosts.map((h) => h.availabilityZone));
    if (rackOf !== undefined) {
      for (const h of hosts) h.rack = rackOf.get(h)!;
      warnings.push(`racks from the host aggregates without a zone, which split the hosts (${new Set(rackOf.values()).size} racks); give --racks to say otherwise`);
    } else if (zones.size >= 2 && !zones.has(undefined)) {
      for (const h of hosts) h.rack = h.availabilityZone!;
      warnings.push(`racks from the availability zones (${zones.size}): a rack failure in \`headroom check\` is then the loss of a whole zone; give --racks for real racks`);
    } else {
      for (const h of hosts) h.rack = h.name;
      warnings.push('no --racks, and no aggregates or zones that split the hosts: one rack per host, so rack failures are single-host failures (expected --racks MAP or PATTERN for real racks)');
    }
  }
  hosts.sort((a, b) => (a.rack < b.rack ? -1 : a.rack > b.rack ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return warnings;
}

/** Each host in exactly one of the aggregates: its rack; undefined when they do not split the hosts. */
function partition<H extends RackedHost>(hosts: H[], aggs: { name: string; hosts: string[] }[], keys: (h: RackedHost) => string[]): Map<H, string> | undefined {
  if (aggs.length < 2) return undefined;
  const member = new Map<string, string[]>();
  for (const a of aggs) for (const h of a.hosts) member.set(h, [...(member.get(h) ?? []), a.name]);
  const out = new Map<H, string>();
  for (const h of hosts) {
    const found = new Set(keys(h).flatMap((k) => member.get(k) ?? []));
    if (found.size !== 1) return undefined;
    out.set(h, [...found][0]);
  }
  return out;
}
