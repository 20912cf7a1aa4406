/**
 * Fault injection, so that clients' retry and backoff paths can be tested against the emulators.
 *
 * Two switches, both explicit and test-controlled:
 * - per request: header `X-Sandbox-Fault: 429` (optionally `429; retry-after=3`, or `500`, `502`, `503`);
 * - queued: `POST /sandbox/control/faults { "service": "shopify", "status": 429, "count": 2, "retryAfter": 1 }`
 *   makes the next `count` requests to that service fail (service `*` matches all).
 *
 * The failing response carries the real service's error body for that status (see each service's `faultBody`).
 */
export type SandboxService = 'shopify' | 'tiktok' | 'openai';
export const FAULT_STATUSES = [429, 500, 502, 503] as const;
export type FaultStatus = (typeof FAULT_STATUSES)[number];

export interface Fault {
  status: FaultStatus;
  retryAfter: number;
}

interface QueuedFault extends Fault {
  service: SandboxService | '*';
  remaining: number;
}

export function isFaultStatus(value: unknown): value is FaultStatus {
  return typeof value === 'number' && (FAULT_STATUSES as readonly number[]).includes(value);
}

/** Parses `429`, `429; retry-after=3`; returns null for anything else. */
export function parseFaultHeader(header: string | undefined): Fault | null {
  if (!header) return null;
  const match = /^\s*(\d{3})\s*(?:;\s*retry-after\s*=\s*(\d{1,4}))?\s*$/i.exec(header);
  if (!match) return null;
  const status = Number(match[1]);
  if (!isFaultStatus(status)) return null;
  return { status, retryAfter: match[2] ? Number(match[2]) : 1 };
}

export class FaultInjector {
  private queue: QueuedFault[] = [];

  enqueue(fault: { service: SandboxService | '*'; status: FaultStatus; count: number; retryAfter: number }): void {
    this.queue.push({ ...fault, remaining: fault.count });
  }

  clear(): void {
    this.queue = [];
  }

  pending(): { service: string; status: number; remaining: number; retryAfter: number }[] {
    return this.queue.map(({ service, status, remaining, retryAfter }) => ({ service, status, remaining, retryAfter }));
  }

  /** The fault to apply to a request, consuming one queued fault if the header does not name one. */
  take(service: SandboxService, header: string | undefined): Fault | null {
    const fromHeader = parseFaultHeader(header);
    if (fromHeader) return fromHeader;
    const queued = this.queue.find((f) => (f.service === service || f.service === '*') && f.remaining > 0);
    if (!queued) return null;
    queued.remaining--;
    this.queue = this.queue.filter((f) => f.remaining > 0);
    return { status: queued.status, retryAfter: queued.retryAfter };
  }
}
