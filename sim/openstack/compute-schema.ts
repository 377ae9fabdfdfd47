import { z } from 'zod';
import { bytes, fraction } from '../scenario/zod-units.js';

/**
 * Compute side of `cloud:`: nova's settings, racks of hosts, flavors and fill.
 * Owned by the evacuation study; other studies read it (hosts, flavors, ephemeral storage).
 */
export const novaSchema = z.object({
  release: z.enum(['kilo', 'antelope']).prefault('antelope')
    .meta({ description: 'nova release whose defaults and semantics are modelled (kilo: RamFilter, ratios 1.5/16; antelope: placement, ratios 1.0/4.0)' }),
  ram_allocation_ratio: z.number().positive().optional(),
  cpu_allocation_ratio: z.number().positive().optional(),
  reserved_host_memory_mb: z.number().int().min(0).default(512),
  reserved_host_cpus: z.number().int().min(0).default(0),
}).strict();

export const rackSchema = z.object({
  name: z.string().min(1),
  hosts: z.number().int().min(1),
  ram: bytes({ positive: true }),
  vcpus: z.number().int().min(1),
  availability_zone: z.string().optional(),
}).strict();

export const flavorSchema = z.object({
  name: z.string().min(1),
  ram: bytes({ positive: true }),
  vcpus: z.number().int().min(1),
  disk: bytes().default(0),
  share: z.number().min(0).meta({ description: 'share of instances of this flavor in the fill (normalised over all flavors)' }),
}).strict();

export const computeCloudShape = {
  nova: novaSchema.default({ release: 'antelope', reserved_host_memory_mb: 512, reserved_host_cpus: 0 }),
  racks: z.array(rackSchema).min(1),
  flavors: z.array(flavorSchema).min(1),
  fill: fraction().default(0.8).meta({ description: 'initial fill as a fraction of placement capacity (MEMORY_MB), reached through the scheduler' }),
  ephemeral_storage: z.enum(['rbd', 'local', 'nfs']).prefault('rbd'),
};
